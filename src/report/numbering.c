/* The regulation's own numbering of a catalog id (第四條第五款, 附件二肆、一、(六)), so that
 * the report quotes the text as an inspector reads it, beside the catalog ids. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "report/report.h"

static const char *const digit[] = { "", "一", "二", "三", "四", "五", "六", "七", "八", "九" };
static const char *const capital[] = { "", "壹", "貳", "參", "肆", "伍", "陸", "柒", "捌", "玖", "拾" };
static const char *const roman[] = { "", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X" };

/* 1..99 in Chinese numerals: 十一, 二十, 二十三. */
static void put_zh_number(struct bs_buf *b, long n)
{
	if (n <= 0 || n > 99) {
		bs_buf_printf(b, "%ld", n);
		return;
	}
	if (n >= 10) {
		if (n >= 20)
			bs_buf_puts(b, digit[n / 10]);
		bs_buf_puts(b, "十");
	}
	bs_buf_puts(b, digit[n % 10]);
}

/* The id's numeric path after its part ("A2.4.1.6" -> 4 1 6); returns the count, 0 when the
 * path is not numeric (A1.T1.01 keeps its id). */
static size_t id_path(const char *p, long *v, size_t cap)
{
	size_t n = 0;

	while (*p == '.' && n < cap) {
		char *end;
		long x = strtol(p + 1, &end, 10);
		if (end == p + 1 || x <= 0)
			return 0;
		v[n++] = x;
		p = end;
	}
	return *p ? 0 : n;
}

static void annex_zh(struct bs_buf *out, const long *v, size_t n, int capital_top)
{
	for (size_t i = 0; i < n; i++) {
		/* Annex 2 counts 壹貳參 at the top, then 一、(一)1.(1); Annexes 1 and 3 start at 一、 */
		size_t lvl = capital_top ? i : i + 1;
		/* 、 after 壹 一 (一) as the text writes them; "1." and "(1)" need none */
		if (i && lvl <= 3)
			bs_buf_puts(out, "、");
		if (lvl == 0 && v[i] <= 10)
			bs_buf_puts(out, capital[v[i]]);
		else if (lvl == 1)
			put_zh_number(out, v[i]);
		else if (lvl == 2) {
			bs_buf_puts(out, "(");
			put_zh_number(out, v[i]);
			bs_buf_puts(out, ")");
		} else if (lvl == 3)
			bs_buf_printf(out, "%ld.", v[i]);
		else
			bs_buf_printf(out, "(%ld)", v[i]);
	}
	/* "一、" after a lone top-level number reads as the heading it is */
	if (n == 1 && !capital_top)
		bs_buf_puts(out, "、");
}

static void annex_en(struct bs_buf *out, const long *v, size_t n, int capital_top)
{
	for (size_t i = 0; i < n; i++) {
		size_t lvl = capital_top ? i : i + 1;
		if (lvl == 0 && v[i] <= 10)
			bs_buf_puts(out, roman[v[i]]);
		else if (lvl == 1)
			bs_buf_printf(out, "%s%ld", i ? "." : "", v[i]);
		else
			bs_buf_printf(out, "(%ld)", v[i]);
	}
}

void bs_report_numbering(const char *id, enum bs_lang lang, struct bs_buf *out)
{
	long v[8];
	size_t n;

	if (!strncmp(id, "SR", 2) && (n = id_path(id + 2, v, 8)) > 0) {
		if (lang == BS_LANG_EN) {
			bs_buf_printf(out, "Art. %ld", v[0]);
			for (size_t i = 1; i < n; i++)
				bs_buf_printf(out, "(%ld)", v[i]);
			return;
		}
		bs_buf_puts(out, "第");
		put_zh_number(out, v[0]);
		bs_buf_puts(out, "條");
		if (n > 1) {
			bs_buf_puts(out, "第");
			put_zh_number(out, v[1]);
			bs_buf_puts(out, "款");
		}
		for (size_t i = 2; i < n; i++)
			bs_buf_printf(out, "第%ld目", v[i]);
		return;
	}
	if (id[0] == 'A' && id[1] >= '1' && id[1] <= '3' && (n = id_path(id + 2, v, 8)) > 0) {
		int annex = id[1] - '0';
		if (lang == BS_LANG_EN) {
			bs_buf_printf(out, "Annex %d ", annex);
			annex_en(out, v, n, annex == 2);
		} else {
			bs_buf_printf(out, "附件%s", digit[annex]);
			annex_zh(out, v, n, annex == 2);
		}
		return;
	}
	/* A table row (A1.T1.01) or a part's root has no finer numbering than its id */
	bs_buf_puts(out, id);
}

const char *bs_report_area_name(int n, enum bs_lang lang)
{
	const struct bs_catalog *cat;
	const struct bs_control *c;
	char id[16];

	if (n < 1 || n > 10 || bs_catalog_builtin(&cat) < 0)
		return "";
	snprintf(id, sizeof(id), "A2.4.1.%d", n);
	c = bs_catalog_find(cat, id);
	return c ? bs_text_get(&c->title, lang) : "";
}
