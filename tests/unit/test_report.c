/* The report (src/report): the regulation's numbering, and each rendering of a hand-built
 * model: every item of Annex 2 捌 present, user text escaped, containers well formed.
 * REPORT_UNIT_OUT=DIR keeps the four files for a look (tests/cli/t0720 renders them with real
 * tools: pdftotext, pdffonts, LibreOffice, ajv). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/error.h"
#include "report/report.h"
#include "report_fixture.h"

/* The words of 捌 that the report must carry as headings or columns. */
static const char *const viii_zh[] = { "評估人員資格", "評估範圍", "缺失項目", "缺失嚴重程度", "缺失類別", "風險說明",
				       "具體改善建議", "社交演練結果", "稽核單位", "追蹤覆查", "保存五年", NULL };

static void keep(const char *name, const struct bs_buf *b)
{
	const char *dir = getenv("REPORT_UNIT_OUT");
	char path[512];
	FILE *f;
	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(b->ptr, 1, b->len, f), b->len);
	fclose(f);
}

static void numbering(const char *id, enum bs_lang lang, const char *want)
{
	struct bs_buf b = BS_BUF_INIT;
	bs_report_numbering(id, lang, &b);
	assert_string_equal(b.ptr, want);
	bs_buf_release(&b);
}

static void test_numbering(void **state)
{
	(void)state;
	numbering("SR.4.5", BS_LANG_ZH_TW, "第四條第五款");
	numbering("SR.12", BS_LANG_ZH_TW, "第十二條");
	numbering("SR.21.3", BS_LANG_ZH_TW, "第二十一條第三款");
	numbering("A2.4.1.6", BS_LANG_ZH_TW, "附件二肆、一、(六)");
	numbering("A2.5.4.2.3", BS_LANG_ZH_TW, "附件二伍、四、(二)、3.");
	numbering("A2.8", BS_LANG_ZH_TW, "附件二捌");
	numbering("A2.4.1.6.1.3", BS_LANG_ZH_TW, "附件二肆、一、(六)、1.(3)");
	numbering("A3.7.11", BS_LANG_ZH_TW, "附件三七、(十一)");
	numbering("A3.7", BS_LANG_ZH_TW, "附件三七、");
	numbering("A1.T1.01", BS_LANG_ZH_TW, "A1.T1.01");
	numbering("SR.4.5", BS_LANG_EN, "Art. 4(5)");
	numbering("A2.4.1.6", BS_LANG_EN, "Annex 2 IV.1(6)");
	numbering("A3.7.11", BS_LANG_EN, "Annex 3 7(11)");
}

static void test_html(void **state)
{
	struct bs_report_doc d;
	struct bs_buf b = BS_BUF_INIT;
	(void)state;
	report_fixture(&d, 2, 12, 3);
	assert_int_equal(bs_report_render(&d, BS_REPORT_HTML, BS_LANG_ZH_TW, &b), 0);
	keep("report.html", &b);
	for (int i = 0; viii_zh[i]; i++)
		if (!strstr(b.ptr, viii_zh[i]))
			fail_msg("the HTML report lacks '%s' (Annex 2 捌)", viii_zh[i]);
	/* user text is escaped: the finding's <script> is text, the org's quotes too */
	assert_null(strstr(b.ptr, "<script>"));
	assert_non_null(strstr(b.ptr, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(b.ptr, "&lt;Demo &amp; &quot;Co&quot;&gt;"));
	/* numbering beside the catalog id; self-contained: no external resource */
	assert_non_null(strstr(b.ptr, "A2.5.4.2.3（附件二伍、四、(二)、3.）"));
	assert_null(strstr(b.ptr, "src=\"http"));
	assert_null(strstr(b.ptr, "<link"));
	assert_non_null(strstr(b.ptr, "@media print"));
	/* the drill's results and the retention date (issue date + 5 years) */
	assert_non_null(strstr(b.ptr, "9 (7.5%)"));
	assert_non_null(strstr(b.ptr, "2031-05-02"));
	bs_buf_release(&b);
	assert_int_equal(bs_report_render(&d, BS_REPORT_HTML, BS_LANG_EN, &b), 0);
	assert_non_null(strstr(b.ptr, "Assessors&#39; qualifications"));
	assert_non_null(strstr(b.ptr, "Annex 2 V.4(2)(3)"));
	bs_buf_release(&b);
	bs_report_doc_release(&d);
}

static void test_pdf(void **state)
{
	struct bs_report_doc d;
	struct bs_buf b = BS_BUF_INIT;
	(void)state;
	report_fixture(&d, 2, 40, 12);
	assert_int_equal(bs_report_render(&d, BS_REPORT_PDF, BS_LANG_ZH_TW, &b), 0);
	keep("report.pdf", &b);
	assert_true(b.len > 1000);
	assert_memory_equal(b.ptr, "%PDF-", 5);
	/* the CJK font is embedded (a subset: "XXXXXX+NotoSansCJK...") */
	assert_non_null(memmem(b.ptr, b.len, "NotoSansCJK", 11));
	assert_non_null(memmem(b.ptr, b.len, "/FontFile", 9));
	bs_buf_release(&b);
	bs_report_doc_release(&d);
}

static char *zip_part(const struct bs_buf *b, const char *name)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;
	zip_file_t *zf;
	zip_stat_t st;
	char *data;

	zip_error_init(&ze);
	assert_non_null(src = zip_source_buffer_create(b->ptr, b->len, 0, &ze));
	assert_non_null(za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze));
	if (zip_stat(za, name, 0, &st) < 0)
		fail_msg("DOCX has no part %s", name);
	data = bs_malloc(st.size + 1);
	assert_non_null(zf = zip_fopen(za, name, 0));
	assert_int_equal(zip_fread(zf, data, st.size), (zip_int64_t)st.size);
	data[st.size] = 0;
	zip_fclose(zf);
	zip_close(za);
	zip_error_fini(&ze);
	return data;
}

static void test_docx(void **state)
{
	struct bs_report_doc d;
	struct bs_buf b = BS_BUF_INIT;
	char *doc, *ct;
	(void)state;
	report_fixture(&d, 2, 12, 3);
	assert_int_equal(bs_report_render(&d, BS_REPORT_DOCX, BS_LANG_ZH_TW, &b), 0);
	keep("report.docx", &b);
	assert_memory_equal(b.ptr, "PK\x03\x04", 4);
	ct = zip_part(&b, "[Content_Types].xml");
	assert_non_null(strstr(ct, "wordprocessingml.document.main+xml"));
	doc = zip_part(&b, "word/document.xml");
	for (int i = 0; viii_zh[i]; i++)
		if (!strstr(doc, viii_zh[i]))
			fail_msg("the DOCX report lacks '%s' (Annex 2 捌)", viii_zh[i]);
	assert_null(strstr(doc, "<script>"));
	assert_non_null(strstr(doc, "&lt;script&gt;"));
	assert_non_null(strstr(doc, "w:pStyle w:val=\"Heading1\""));
	free(doc);
	free(ct);
	free(zip_part(&b, "word/styles.xml"));
	bs_buf_release(&b);
	bs_report_doc_release(&d);
}

static void test_oscal(void **state)
{
	struct bs_report_doc d;
	struct bs_buf b = BS_BUF_INIT, again = BS_BUF_INIT;
	json_error_t je;
	json_t *j, *r;
	(void)state;
	report_fixture(&d, 2, 12, 3);
	assert_int_equal(bs_report_render(&d, BS_REPORT_OSCAL, BS_LANG_ZH_TW, &b), 0);
	keep("report.oscal.json", &b);
	if (!(j = json_loads(b.ptr, 0, &je)))
		fail_msg("OSCAL is not JSON: %s", je.text);
	r = json_object_get(json_array_get(json_object_get(json_object_get(j, "assessment-results"), "results"), 0), "findings");
	assert_int_equal(json_array_size(r), 3);
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(json_array_get(r, 0), "target"),
									       "status"), "state")), "not-satisfied");
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(j, "assessment-results"), "metadata"),
							       "oscal-version")), "1.1.2");
	json_decref(j);
	/* the same doc gives the same bytes (uuids are v5 of the assessment, not random) */
	assert_int_equal(bs_report_render(&d, BS_REPORT_OSCAL, BS_LANG_ZH_TW, &again), 0);
	assert_int_equal(b.len, again.len);
	assert_memory_equal(b.ptr, again.ptr, b.len);
	bs_buf_release(&b);
	bs_buf_release(&again);
	bs_report_doc_release(&d);
}

static void test_format_parse(void **state)
{
	enum bs_report_format f;
	(void)state;
	assert_int_equal(bs_report_format_parse("docx", &f), 0);
	assert_int_equal(f, BS_REPORT_DOCX);
	assert_int_equal(bs_report_format_parse("xlsx", &f), BS_EINVALID);
	assert_non_null(strstr(bs_error_message(), "html, pdf, docx or oscal"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbering), cmocka_unit_test(test_html), cmocka_unit_test(test_pdf),
		cmocka_unit_test(test_docx), cmocka_unit_test(test_oscal), cmocka_unit_test(test_format_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
