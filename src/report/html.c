/* The report as one self-contained HTML file (no external resource), with print CSS. Every
 * piece of text is escaped: findings and names are user input. */
#include <string.h>

#include "report/report.h"

static void esc(struct bs_buf *b, const char *s)
{
	bs_buf_put_html(b, s, 1);
}

static const char css[] =
	"body{font-family:\"Noto Sans CJK TC\",\"Noto Sans TC\",\"Microsoft JhengHei\",sans-serif;"
	"margin:2em auto;max-width:60em;line-height:1.5;color:#111;padding:0 1em}"
	"h1{font-size:1.6em;border-bottom:2px solid #333}h2{font-size:1.3em;margin-top:1.6em;"
	"border-bottom:1px solid #999}h3{font-size:1.1em}"
	"table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:.9em}"
	"th,td{border:1px solid #888;padding:.25em .4em;vertical-align:top;text-align:left;"
	"overflow-wrap:anywhere}th{background:#e8e8e8}"
	".sub{color:#444}nav ol{padding-left:1.4em}footer{margin-top:2em;color:#555;font-size:.8em}"
	"@page{size:A4;margin:18mm 15mm}"
	"@media print{body{margin:0;max-width:none}nav{page-break-after:always}"
	"h2{page-break-after:avoid}tr{page-break-inside:avoid}thead{display:table-header-group}"
	"a{color:inherit;text-decoration:none}}";

int bs_report_html(const struct bs_report_outline *o, enum bs_lang lang, struct bs_buf *out)
{
	bs_buf_printf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta name=\"generator\" content=\"brokersec\">\n<title>", lang == BS_LANG_EN ? "en" : "zh-Hant-TW");
	esc(out, o->title);
	bs_buf_printf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n<h1>", css);
	esc(out, o->title);
	bs_buf_puts(out, "</h1>\n<p class=\"sub\">");
	esc(out, o->subtitle);
	bs_buf_printf(out, "</p>\n</header>\n<nav>\n<h2>%s</h2>\n<ol>\n", BS_T(lang, "目錄", "Contents"));
	for (size_t i = 0; i < o->n; i++) {
		const struct bs_rblock *b = &o->v[i];
		if (b->kind != BS_RB_HEADING)
			continue;
		bs_buf_printf(out, "<li%s><a href=\"#%s\">", b->level > 1 ? " style=\"margin-left:1.5em;list-style:none\"" : " style=\"list-style:none\"", b->anchor);
		esc(out, b->text);
		bs_buf_puts(out, "</a></li>\n");
	}
	bs_buf_puts(out, "</ol>\n</nav>\n<main>\n");
	for (size_t i = 0; i < o->n; i++) {
		const struct bs_rblock *b = &o->v[i];
		if (b->kind == BS_RB_HEADING) {
			bs_buf_printf(out, "<h%d id=\"%s\">", b->level + 1, b->anchor);
			esc(out, b->text);
			bs_buf_printf(out, "</h%d>\n", b->level + 1);
		} else if (b->kind == BS_RB_PARA) {
			bs_buf_puts(out, "<p>");
			esc(out, b->text);
			bs_buf_puts(out, "</p>\n");
		} else {
			bs_buf_puts(out, "<table>\n<thead><tr>");
			for (size_t c = 0; c < b->ncols; c++) {
				bs_buf_puts(out, "<th>");
				esc(out, b->cells[c]);
				bs_buf_puts(out, "</th>");
			}
			bs_buf_puts(out, "</tr></thead>\n<tbody>\n");
			for (size_t r = 1; r < b->nrows; r++) {
				bs_buf_puts(out, "<tr>");
				for (size_t c = 0; c < b->ncols; c++) {
					bs_buf_puts(out, "<td>");
					esc(out, b->cells[r * b->ncols + c]);
					bs_buf_puts(out, "</td>");
				}
				bs_buf_puts(out, "</tr>\n");
			}
			bs_buf_puts(out, "</tbody>\n</table>\n");
		}
	}
	bs_buf_puts(out, "</main>\n<footer>");
	esc(out, o->footer);
	bs_buf_puts(out, "</footer>\n</body>\n</html>\n");
	return 0;
}
