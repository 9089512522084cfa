/* The report as DOCX (Office Open XML, ECMA-376): the XML parts are written here, with every
 * text escaped, into a zip made by libzip in memory. Real Word styles (Heading 1-2, a table
 * style, TOC 1-2) so that an auditor can edit it and Word/LibreOffice can refresh the
 * contents field; the contents come pre-filled with links to the headings' bookmarks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/clock.h"
#include "report/report.h"

#define TEXT_W 9638 /* A4 (11906 twips) less two 1134-twip (2 cm) margins */

/* XML text: escapes markup and drops what XML 1.0 cannot hold (C0 controls but tab/LF/CR). */
static void xesc(struct bs_buf *b, const char *s)
{
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		switch (ch) {
		case '<': bs_buf_puts(b, "&lt;"); break;
		case '>': bs_buf_puts(b, "&gt;"); break;
		case '&': bs_buf_puts(b, "&amp;"); break;
		case '"': bs_buf_puts(b, "&quot;"); break;
		default:
			if (ch >= 0x20 || ch == '\t')
				bs_buf_putc(b, (char)ch);
			else if (ch == '\n' || ch == '\r')
				bs_buf_putc(b, ' ');
		}
	}
}

/* A run of text; a newline in s becomes <w:br/>. */
static void run(struct bs_buf *b, const char *s, int bold)
{
	bs_buf_printf(b, "<w:r>%s<w:t xml:space=\"preserve\">", bold ? "<w:rPr><w:b/></w:rPr>" : "");
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p == '\n') {
			bs_buf_puts(b, "</w:t><w:br/><w:t xml:space=\"preserve\">");
			continue;
		}
		char one[2] = { *p, 0 };
		xesc(b, one);
	}
	bs_buf_puts(b, "</w:t></w:r>");
}

static void para(struct bs_buf *b, const char *style, const char *s)
{
	bs_buf_puts(b, "<w:p>");
	if (style)
		bs_buf_printf(b, "<w:pPr><w:pStyle w:val=\"%s\"/></w:pPr>", style);
	run(b, s, 0);
	bs_buf_puts(b, "</w:p>");
}

static void table(struct bs_buf *b, const struct bs_rblock *t)
{
	double sum = 0;
	int w[32];
	size_t nc = t->ncols < 32 ? t->ncols : 32;

	for (size_t c = 0; c < nc; c++)
		sum += t->widths ? t->widths[c] : 1;
	for (size_t c = 0; c < nc; c++)
		w[c] = (int)(TEXT_W * (t->widths ? t->widths[c] : 1) / sum);
	bs_buf_puts(b, "<w:tbl><w:tblPr><w:tblStyle w:val=\"ReportTable\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/>"
		       "<w:tblLayout w:type=\"fixed\"/><w:tblLook w:val=\"0420\" w:firstRow=\"1\" w:lastRow=\"0\" "
		       "w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>");
	for (size_t c = 0; c < nc; c++)
		bs_buf_printf(b, "<w:gridCol w:w=\"%d\"/>", w[c]);
	bs_buf_puts(b, "</w:tblGrid>");
	for (size_t r = 0; r < t->nrows; r++) {
		/* the header row repeats on every page */
		bs_buf_puts(b, r ? "<w:tr><w:trPr><w:cantSplit/></w:trPr>" : "<w:tr><w:trPr><w:tblHeader/></w:trPr>");
		for (size_t c = 0; c < nc; c++) {
			bs_buf_printf(b, "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/>%s</w:tcPr><w:p><w:pPr><w:pStyle w:val=\"TableText\"/></w:pPr>",
				      w[c], r ? "" : "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"E8E8E8\"/>");
			run(b, t->cells[r * t->ncols + c], r == 0);
			bs_buf_puts(b, "</w:p></w:tc>");
		}
		bs_buf_puts(b, "</w:tr>");
	}
	/* Word needs a paragraph between two tables and after the last one */
	bs_buf_puts(b, "</w:tbl><w:p/>");
}

static void document(struct bs_buf *b, const struct bs_report_outline *o, enum bs_lang lang)
{
	int bm = 0;

	bs_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		       "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "
		       "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>");
	para(b, "Title", o->title);
	para(b, "Subtitle", o->subtitle);
	para(b, "TOCHeading", BS_T(lang, "目錄", "Contents"));
	/* the contents field, its result filled in (links without page numbers: Word and
	 * LibreOffice add them when the field is updated) */
	bs_buf_puts(b, "<w:p><w:pPr><w:pStyle w:val=\"TOC1\"/></w:pPr><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
		       "<w:r><w:instrText xml:space=\"preserve\"> TOC \\o \"1-2\" \\h \\z \\u </w:instrText></w:r>"
		       "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r></w:p>");
	for (size_t i = 0; i < o->n; i++) {
		const struct bs_rblock *h = &o->v[i];
		if (h->kind != BS_RB_HEADING)
			continue;
		bs_buf_printf(b, "<w:p><w:pPr><w:pStyle w:val=\"TOC%d\"/></w:pPr><w:hyperlink w:anchor=\"%s\" w:history=\"1\">",
			      h->level > 1 ? 2 : 1, h->anchor);
		run(b, h->text, 0);
		bs_buf_puts(b, "</w:hyperlink></w:p>");
	}
	bs_buf_puts(b, "<w:p><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>");
	for (size_t i = 0; i < o->n; i++) {
		const struct bs_rblock *x = &o->v[i];
		if (x->kind == BS_RB_HEADING) {
			bs_buf_printf(b, "<w:p><w:pPr><w:pStyle w:val=\"Heading%d\"/>%s</w:pPr>"
				      "<w:bookmarkStart w:id=\"%d\" w:name=\"%s\"/>",
				      x->level, x->level == 1 ? "<w:pageBreakBefore/>" : "", bm, x->anchor);
			run(b, x->text, 0);
			bs_buf_printf(b, "<w:bookmarkEnd w:id=\"%d\"/></w:p>", bm++);
		} else if (x->kind == BS_RB_PARA) {
			para(b, NULL, x->text);
		} else {
			table(b, x);
		}
	}
	/* section: A4, 2 cm margins, footer with the page number */
	bs_buf_puts(b, "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/>"
		       "<w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1134\" w:right=\"1134\" w:bottom=\"1134\" "
		       "w:left=\"1134\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>");
}

static void footer_part(struct bs_buf *b, const struct bs_report_outline *o, enum bs_lang lang)
{
	bs_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		       "<w:ftr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
		       "<w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr>");
	run(b, o->footer, 0);
	run(b, BS_T(lang, " · 第 ", " · page "), 0);
	bs_buf_puts(b, "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>"
		       "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>");
	run(b, BS_T(lang, " 頁，共 ", " of "), 0);
	bs_buf_puts(b, "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> NUMPAGES </w:instrText></w:r>"
		       "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>");
	if (lang != BS_LANG_EN)
		run(b, " 頁", 0);
	bs_buf_puts(b, "</w:p></w:ftr>");
}

static const char content_types[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	"<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
	"<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
	"<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>"
	"<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>"
	"<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
	"<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
	"</Types>";

static const char root_rels[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>"
	"</Relationships>";

static const char doc_rels[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
	"<Relationship Id=\"rIdSettings\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>"
	"<Relationship Id=\"rIdFooter\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>"
	"</Relationships>";

static const char settings[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
	"<w:defaultTabStop w:val=\"720\"/><w:characterSpacingControl w:val=\"compressPunctuation\"/>"
	"<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>"
	"</w:settings>";

#define RFONTS "<w:rFonts w:ascii=\"Noto Sans CJK TC\" w:hAnsi=\"Noto Sans CJK TC\" w:eastAsia=\"Noto Sans CJK TC\" w:cs=\"Noto Sans CJK TC\"/>"
#define HEADING(n, lvl, size) \
	"<w:style w:type=\"paragraph\" w:styleId=\"Heading" #n "\"><w:name w:val=\"heading " #n "\"/><w:basedOn w:val=\"Normal\"/>" \
	"<w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before=\"240\" w:after=\"120\"/>" \
	"<w:outlineLvl w:val=\"" #lvl "\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"" #size "\"/></w:rPr></w:style>"

static const char styles[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
	"<w:docDefaults><w:rPrDefault><w:rPr>" RFONTS "<w:sz w:val=\"20\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-TW\"/></w:rPr></w:rPrDefault>"
	"<w:pPrDefault><w:pPr><w:spacing w:after=\"80\" w:line=\"300\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>"
	"<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>"
	"<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/>"
	"<w:pPr><w:spacing w:after=\"120\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"40\"/></w:rPr></w:style>"
	"<w:style w:type=\"paragraph\" w:styleId=\"Subtitle\"><w:name w:val=\"Subtitle\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/>"
	"<w:pPr><w:spacing w:after=\"360\"/></w:pPr><w:rPr><w:color w:val=\"444444\"/><w:sz w:val=\"22\"/></w:rPr></w:style>"
	HEADING(1, 0, 32) HEADING(2, 1, 26)
	"<w:style w:type=\"paragraph\" w:styleId=\"TOCHeading\"><w:name w:val=\"TOC Heading\"/><w:basedOn w:val=\"Normal\"/>"
	"<w:next w:val=\"Normal\"/><w:pPr><w:spacing w:before=\"240\" w:after=\"120\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"28\"/></w:rPr></w:style>"
	"<w:style w:type=\"paragraph\" w:styleId=\"TOC1\"><w:name w:val=\"toc 1\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/>"
	"<w:pPr><w:spacing w:after=\"60\"/></w:pPr></w:style>"
	"<w:style w:type=\"paragraph\" w:styleId=\"TOC2\"><w:name w:val=\"toc 2\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/>"
	"<w:pPr><w:spacing w:after=\"60\"/><w:ind w:left=\"440\"/></w:pPr></w:style>"
	"<w:style w:type=\"paragraph\" w:styleId=\"TableText\"><w:name w:val=\"Table Text\"/><w:basedOn w:val=\"Normal\"/>"
	"<w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr><w:rPr><w:sz w:val=\"16\"/></w:rPr></w:style>"
	"<w:style w:type=\"paragraph\" w:styleId=\"Footer\"><w:name w:val=\"footer\"/><w:basedOn w:val=\"Normal\"/>"
	"<w:rPr><w:color w:val=\"555555\"/><w:sz w:val=\"16\"/></w:rPr></w:style>"
	"<w:style w:type=\"character\" w:styleId=\"Hyperlink\"><w:name w:val=\"Hyperlink\"/><w:rPr><w:color w:val=\"1F4E79\"/></w:rPr></w:style>"
	"<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/>"
	"<w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/>"
	"<w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>"
	"<w:style w:type=\"table\" w:styleId=\"ReportTable\"><w:name w:val=\"Report Table\"/><w:basedOn w:val=\"TableNormal\"/>"
	"<w:tblPr><w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/>"
	"<w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/>"
	"<w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/><w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/>"
	"<w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/></w:tblBorders>"
	"<w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>"
	"</w:styles>";

static void core_part(struct bs_buf *b, const struct bs_report_outline *o, const char *created)
{
	bs_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		       "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
		       "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
		       "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>");
	xesc(b, o->title);
	bs_buf_puts(b, "</dc:title><dc:subject>");
	xesc(b, o->subtitle);
	bs_buf_puts(b, "</dc:subject><dc:creator>brokersec</dc:creator>");
	if (created && *created) {
		bs_buf_puts(b, "<dcterms:created xsi:type=\"dcterms:W3CDTF\">");
		xesc(b, created);
		bs_buf_puts(b, "</dcterms:created>");
	}
	bs_buf_puts(b, "</cp:coreProperties>");
}

static const char app_xml[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
	"<Application>brokersec</Application></Properties>";

int bs_report_docx(const struct bs_report_outline *o, enum bs_lang lang, const char *created, struct bs_buf *out)
{
	enum { NPART = 9 };
	static const char *const names[NPART] = { "[Content_Types].xml", "_rels/.rels", "word/document.xml",
		"word/_rels/document.xml.rels", "word/styles.xml", "word/settings.xml", "word/footer1.xml",
		"docProps/core.xml", "docProps/app.xml" };
	struct bs_buf part[NPART];
	zip_error_t ze;
	zip_source_t *src = NULL;
	zip_t *za = NULL;
	zip_stat_t zs;
	int64_t at = 0;
	int err = 0;

	for (int i = 0; i < NPART; i++)
		bs_buf_init(&part[i]);
	bs_buf_puts(&part[0], content_types);
	bs_buf_puts(&part[1], root_rels);
	document(&part[2], o, lang);
	bs_buf_puts(&part[3], doc_rels);
	bs_buf_puts(&part[4], styles);
	bs_buf_puts(&part[5], settings);
	footer_part(&part[6], o, lang);
	core_part(&part[7], o, created);
	bs_buf_puts(&part[8], app_xml);
	if (!created || bs_time_parse(created, &at) < 0)
		at = bs_clock_now();

	zip_error_init(&ze);
	if (!(src = zip_source_buffer_create(NULL, 0, 0, &ze)))
		goto zip_fail;
	zip_source_keep(src);
	if (!(za = zip_open_from_source(src, ZIP_TRUNCATE, &ze)))
		goto zip_fail;
	for (int i = 0; i < NPART; i++) {
		zip_source_t *s = zip_source_buffer(za, part[i].ptr, part[i].len, 0);
		zip_int64_t idx;
		if (!s || (idx = zip_file_add(za, names[i], s, ZIP_FL_ENC_UTF_8)) < 0) {
			zip_source_free(s);
			err = bs_error(BS_ERR, "cannot build the DOCX part %s: %s (libzip)", names[i], zip_strerror(za));
			goto done;
		}
		/* the parts carry the report's own time, so a file says when it was made */
		zip_file_set_mtime(za, (zip_uint64_t)idx, (time_t)(at / 1000000), 0);
	}
	if (zip_close(za) < 0) {
		err = bs_error(BS_ERR, "cannot write the DOCX archive: %s (libzip)", zip_strerror(za));
		zip_discard(za);
		za = NULL;
		goto done;
	}
	za = NULL;
	if (zip_source_stat(src, &zs) < 0 || zip_source_open(src) < 0) {
		err = bs_error(BS_ERR, "cannot read the DOCX archive back: %s (libzip)", zip_error_strerror(zip_source_error(src)));
		goto done;
	}
	bs_buf_grow(out, zs.size);
	if (zip_source_read(src, out->ptr + out->len, zs.size) != (zip_int64_t)zs.size) {
		zip_source_close(src);
		err = bs_error(BS_ERR, "cannot read the DOCX archive back (libzip)");
		goto done;
	}
	out->len += zs.size;
	out->ptr[out->len] = 0;
	zip_source_close(src);
	goto done;
zip_fail:
	err = bs_error(BS_ERR, "cannot make the DOCX archive: %s (libzip)", zip_error_strerror(&ze));
done:
	if (za)
		zip_discard(za);
	if (src)
		zip_source_free(src);
	zip_error_fini(&ze);
	for (int i = 0; i < NPART; i++)
		bs_buf_release(&part[i]);
	return err;
}
