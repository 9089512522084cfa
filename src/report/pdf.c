/* The report as PDF: Cairo draws, Pango shapes and breaks the lines (CJK line breaking comes
 * from Pango), the font is Noto Sans CJK TC (Debian fonts-noto-cjk), which Cairo embeds as a
 * subset. The content is laid out twice: once only measured (no surface), which gives every
 * heading its page for the table of contents in front and the page count for the footers
 * ("page X of N"), then drawn straight into the PDF the same way. */
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

#define PAGE_W 595.28 /* A4 in points */
#define PAGE_H 841.89
#define MARGIN 48.0
#define TOP (MARGIN)
#define BOTTOM (PAGE_H - MARGIN - 14.0) /* room for the footer */
#define CONTENT_W (PAGE_W - 2 * MARGIN)
#define PAD 3.0
#define FONT "Noto Sans CJK TC"
#define MAXCOLS 16

struct pdf {
	PangoFontMap *fm;
	PangoContext *pc;
	PangoLayout *lay;          /* paragraphs and headings */
	GHashTable *cache;         /* cell layouts by font, width and text (cell_layout) */
	PangoLayout *row[MAXCOLS]; /* the current row's cells, borrowed from the cache */
	PangoLayout *measure;      /* unwrapped text, for the width a cell needs on one line */
	GHashTable *wcache;        /* those widths by font and text (natural_w) */
	PangoFontDescription *body, *small, *small_bold, *h[3], *title;
	cairo_t *cr;               /* the PDF while drawing; NULL while measuring */
	int npages;                /* content pages begun so far */
	int first, total;          /* drawing: the first content page's number, the page count */
	const char *footer_text;
	enum bs_lang lang;
	double y;
	int *heading_page;         /* per outline block: its content page (0-based), -1 none */
	double *heading_y;
};

#if defined(__SANITIZE_ADDRESS__)
/* ASan builds only: two leaks inside the libraries, not ours, that LeakSanitizer would report
 * at exit of every run that wrote a PDF: Debian's cairo 1.16 loses two arrays while finishing
 * a PDF surface (its font subsetting), fontconfig a block while parsing its XML configuration.
 * The fast unwinder stops inside these libraries (no frame pointers), so the match has to be
 * by library: a cairo or fontconfig object this file forgot to free would be hidden too, which
 * is why pdf_free() releases every object bs_report_pdf() makes, one by one. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libcairo.so.2\nleak:libfontconfig.so.1\n";
}
#endif

static void footer(struct pdf *p, cairo_t *cr, const char *text, int page);

/* Ends the current content page (its footer, when drawing) and begins the next. */
static void new_page(struct pdf *p)
{
	if (p->cr && p->npages > 0) {
		footer(p, p->cr, p->footer_text, p->first + p->npages - 1);
		cairo_show_page(p->cr);
	}
	p->npages++;
	p->y = TOP;
}

static double layout_h(PangoLayout *l)
{
	PangoRectangle r;
	pango_layout_get_extents(l, NULL, &r);
	return (double)r.height / PANGO_SCALE;
}

static void set_text(PangoLayout *l, const PangoFontDescription *f, double width, const char *s)
{
	pango_layout_set_font_description(l, f);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_text(l, s ? s : "", -1);
}

static void show(struct pdf *p, PangoLayout *l, double x, double y)
{
	if (!p->cr)
		return;
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
}

static void text_block(struct pdf *p, const PangoFontDescription *f, const char *s, double before,
		       double after, double keep)
{
	double h;
	set_text(p->lay, f, CONTENT_W, s);
	h = layout_h(p->lay);
	if (p->y + before + h + keep > BOTTOM && p->y > TOP)
		new_page(p);
	else
		p->y += before;
	show(p, p->lay, MARGIN, p->y);
	p->y += h + after;
}

/* Lays out row r of table b in the cell layouts; returns its height. */
/* The laid-out text of a cell. Tables repeat their cells' texts (a system's name, a result, a
 * source), so layouts are kept by font, width and text: each distinct cell is shaped once for
 * both passes, which is most of the time a large report takes. */
static PangoLayout *cell_layout(struct pdf *p, int bold, double width, const char *text)
{
	struct bs_buf key = BS_BUF_INIT;
	PangoLayout *l;

	bs_buf_printf(&key, "%d|%d|%s", bold, (int)(width * 10), text ? text : "");
	if ((l = g_hash_table_lookup(p->cache, key.ptr))) {
		bs_buf_release(&key);
		return l;
	}
	l = pango_layout_new(p->pc);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	set_text(l, bold ? p->small_bold : p->small, width, text);
	/* a cell taller than a page is cut with an ellipsis: every other cell still fits */
	if (layout_h(l) > BOTTOM - TOP - 40) {
		pango_layout_set_height(l, (int)((BOTTOM - TOP - 60) * PANGO_SCALE));
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	}
	g_hash_table_insert(p->cache, bs_buf_detach(&key, NULL), l);
	return l;
}

/* Lays out row r of table b (p->row[] gets the cells' layouts); returns its height. */
static double row_layout(struct pdf *p, const struct bs_rblock *b, size_t r, const double *w, size_t nc)
{
	double h = 0;
	/* bounded memory: emptied between rows, never while a row holds some of its layouts */
	if (g_hash_table_size(p->cache) > 50000)
		g_hash_table_remove_all(p->cache);
	for (size_t c = 0; c < nc; c++) {
		p->row[c] = cell_layout(p, r == 0, w[c] - 2 * PAD, b->cells[r * b->ncols + c]);
		double lh = layout_h(p->row[c]);
		if (lh > h)
			h = lh;
	}
	return h + 2 * PAD;
}

static void row_draw(struct pdf *p, const double *w, size_t nc, double h, int header)
{
	double x = MARGIN, total = 0;
	if (!p->cr) {
		p->y += h;
		return;
	}
	for (size_t c = 0; c < nc; c++)
		total += w[c];
	if (header) {
		cairo_rectangle(p->cr, MARGIN, p->y, total, h);
		cairo_set_source_rgb(p->cr, 0.9, 0.9, 0.9);
		cairo_fill(p->cr);
	}
	/* the row's borders as one path: its box and the lines between cells */
	cairo_rectangle(p->cr, MARGIN, p->y, total, h);
	for (size_t c = 0; c + 1 < nc; c++) {
		x += w[c];
		cairo_move_to(p->cr, x, p->y);
		cairo_line_to(p->cr, x, p->y + h);
	}
	cairo_set_source_rgb(p->cr, 0.45, 0.45, 0.45);
	cairo_set_line_width(p->cr, 0.5);
	cairo_stroke(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	x = MARGIN;
	for (size_t c = 0; c < nc; c++) {
		show(p, p->row[c], x + PAD, p->y + PAD);
		x += w[c];
	}
	p->y += h;
}

/* 1 for a calendar date "YYYY-MM-DD" (the whole cell). */
static int is_date(const char *s)
{
	static const char shape[] = "dddd-dd-dd";
	for (size_t i = 0; i < sizeof(shape) - 1; i++)
		if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i])
			return 0;
	return s[sizeof(shape) - 1] == '\0';
}

/* What must not be broken over lines: a date (2: "2026-06/-30" reads as two values), or a
 * short word without spaces (1: a status such as 已結案, a severity, an id). */
static int keep_whole(const char *s)
{
	size_t cps = 0;
	if (!s || !*s)
		return 0;
	if (is_date(s))
		return 2;
	for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
		if (*q <= ' ')
			return 0;
		cps += (*q & 0xc0) != 0x80;
	}
	return cps <= 6;
}

/* The width text takes on one line in the cell font (bold: the header row's). */
static double natural_w(struct pdf *p, int bold, const char *text)
{
	struct bs_buf key = BS_BUF_INIT;
	PangoRectangle r;
	double *v;

	bs_buf_printf(&key, "%d|%s", bold, text);
	if ((v = g_hash_table_lookup(p->wcache, key.ptr))) {
		bs_buf_release(&key);
		return *v;
	}
	if (g_hash_table_size(p->wcache) > 50000)
		g_hash_table_remove_all(p->wcache);
	set_text(p->measure, bold ? p->small_bold : p->small, -1, text);
	pango_layout_set_width(p->measure, -1);
	pango_layout_get_extents(p->measure, NULL, &r);
	v = bs_malloc(sizeof(*v));
	*v = (double)r.width / PANGO_SCALE;
	g_hash_table_insert(p->wcache, bs_buf_detach(&key, NULL), v);
	return *v;
}

/* Widens the columns whose cells must stay on one line (keep_whole() >= level) to the widest
 * of them, taking the room from the other columns in proportion to what they can spare.
 * 0 when there is not room enough (w unchanged). */
static int fit_whole(struct pdf *p, const struct bs_rblock *b, double *w, size_t nc, int level)
{
	double need[MAXCOLS] = { 0 }, deficit = 0, slack = 0;

	for (size_t r = 0; r < b->nrows; r++)
		for (size_t c = 0; c < nc; c++) {
			const char *s = b->cells[r * b->ncols + c];
			if (keep_whole(s) < level)
				continue;
			double n = natural_w(p, r == 0, s);
			if (r == 0) {
				/* a short heading may take two lines (嚴重/程度), never one character a
				 * line; up to three characters (編號) stay whole */
				size_t cps = 0;
				for (const unsigned char *q = (const unsigned char *)s; *q; q++)
					cps += (*q & 0xc0) != 0x80;
				if (cps > 3)
					n = n * (double)((cps + 1) / 2) / (double)cps;
			}
			n += 2 * PAD + 1;
			if (n > need[c])
				need[c] = n;
		}
	for (size_t c = 0; c < nc; c++) {
		if (need[c] > w[c])
			deficit += need[c] - w[c];
		else
			slack += w[c] - need[c];
	}
	if (deficit <= 0)
		return 1;
	if (slack < deficit)
		return 0;
	for (size_t c = 0; c < nc; c++)
		w[c] = need[c] > w[c] ? need[c] : w[c] - (w[c] - need[c]) * deficit / slack;
	return 1;
}

static void table(struct pdf *p, const struct bs_rblock *b)
{
	double w[MAXCOLS], sum = 0, hh;
	size_t nc = b->ncols < MAXCOLS ? b->ncols : MAXCOLS;

	for (size_t c = 0; c < nc; c++)
		sum += b->widths ? b->widths[c] : 1;
	for (size_t c = 0; c < nc; c++)
		w[c] = CONTENT_W * (b->widths ? b->widths[c] : 1) / sum;
	/* dates and short words on one line; when the table is too narrow for all, dates only */
	if (!fit_whole(p, b, w, nc, 1))
		fit_whole(p, b, w, nc, 2);
	p->y += 4;
	hh = row_layout(p, b, 0, w, nc);
	if (p->y + hh * 2 > BOTTOM)
		new_page(p);
	row_draw(p, w, nc, hh, 1);
	for (size_t r = 1; r < b->nrows; r++) {
		double h = row_layout(p, b, r, w, nc);
		if (p->y + h > BOTTOM) {
			/* a new page repeats the header row */
			new_page(p);
			row_layout(p, b, 0, w, nc);
			row_draw(p, w, nc, hh, 1);
			h = row_layout(p, b, r, w, nc);
		}
		row_draw(p, w, nc, h, 0);
	}
	p->y += 8;
}

static void footer(struct pdf *p, cairo_t *cr, const char *text, int page)
{
	PangoLayout *l = pango_layout_new(p->pc);
	char num[64];

	snprintf(num, sizeof(num), BS_T(p->lang, "第 %d 頁，共 %d 頁", "Page %d of %d"), page, p->total);
	set_text(l, p->small, CONTENT_W * 0.75, text);
	pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
	cairo_move_to(cr, MARGIN, PAGE_H - MARGIN);
	pango_cairo_show_layout(cr, l);
	set_text(l, p->small, CONTENT_W * 0.25, num);
	pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
	cairo_move_to(cr, MARGIN + CONTENT_W * 0.75, PAGE_H - MARGIN);
	pango_cairo_show_layout(cr, l);
	cairo_set_source_rgb(cr, 0, 0, 0);
	g_object_unref(l);
}

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int len)
{
	bs_buf_put(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* The title and the table of contents on the PDF's first page(s); returns their count.
 * draw 0 only counts. */
static int contents_pages(struct pdf *p, const struct bs_report_outline *o, enum bs_lang lang, cairo_t *cr,
			  cairo_surface_t *pdf, int first_content, int draw)
{
	PangoLayout *l = pango_layout_new(p->pc);
	int pages = 1, parent = CAIRO_PDF_OUTLINE_ROOT;
	double y = TOP + 10;

	/* title, subtitle (it may wrap) and the heading, measured in both passes alike */
	if (draw)
		pango_cairo_update_context(cr, p->pc);
	set_text(l, p->title, CONTENT_W, o->title);
	if (draw) {
		cairo_move_to(cr, MARGIN, y);
		pango_cairo_show_layout(cr, l);
	}
	y += layout_h(l) + 6;
	set_text(l, p->body, CONTENT_W, o->subtitle);
	if (draw) {
		cairo_move_to(cr, MARGIN, y);
		pango_cairo_show_layout(cr, l);
	}
	y += layout_h(l) + 24;
	set_text(l, p->h[1], CONTENT_W, BS_T(lang, "目錄", "Contents"));
	if (draw) {
		cairo_move_to(cr, MARGIN, y);
		pango_cairo_show_layout(cr, l);
	}
	y += 28;
	for (size_t i = 0; i < o->n; i++) {
		const struct bs_rblock *b = &o->v[i];
		char num[16], link[64];
		if (b->kind != BS_RB_HEADING)
			continue;
		if (y + 16 > BOTTOM) {
			if (draw) {
				footer(p, cr, o->footer, pages);
				cairo_show_page(cr);
			}
			pages++;
			y = TOP;
		}
		if (!draw) {
			y += 16;
			continue;
		}
		int page = first_content + p->heading_page[i];
		snprintf(num, sizeof(num), "%d", page);
		snprintf(link, sizeof(link), "page=%d pos=[%.0f %.0f]", page, MARGIN, p->heading_y[i]);
		cairo_tag_begin(cr, CAIRO_TAG_LINK, link);
		set_text(l, p->body, CONTENT_W - 40 - (b->level - 1) * 18, b->text);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
		cairo_move_to(cr, MARGIN + (b->level - 1) * 18, y);
		pango_cairo_show_layout(cr, l);
		set_text(l, p->body, 40, num);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_NONE);
		pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
		cairo_move_to(cr, MARGIN + CONTENT_W - 40, y);
		pango_cairo_show_layout(cr, l);
		pango_layout_set_alignment(l, PANGO_ALIGN_LEFT);
		cairo_tag_end(cr, CAIRO_TAG_LINK);
		/* the bookmark panel: level-1 headings at the top, level 2 under the last one */
		char dest[64];
		snprintf(dest, sizeof(dest), "page=%d pos=[%.0f %.0f]", page, MARGIN, p->heading_y[i]);
		int id = cairo_pdf_surface_add_outline(pdf, b->level == 1 ? CAIRO_PDF_OUTLINE_ROOT : parent, b->text, dest, 0);
		if (b->level == 1)
			parent = id;
		y += 16;
	}
	g_object_unref(l);
	return pages;
}

static void pdf_free(struct pdf *p)
{
	if (p->cache)
		g_hash_table_destroy(p->cache);
	if (p->wcache)
		g_hash_table_destroy(p->wcache);
	if (p->lay)
		g_object_unref(p->lay);
	if (p->measure)
		g_object_unref(p->measure);
	pango_font_description_free(p->body);
	pango_font_description_free(p->small);
	pango_font_description_free(p->small_bold);
	pango_font_description_free(p->title);
	for (int i = 0; i < 3; i++)
		pango_font_description_free(p->h[i]);
	if (p->pc)
		g_object_unref(p->pc);
	if (p->fm)
		g_object_unref(p->fm);
	free(p->heading_page);
	free(p->heading_y);
}

/* Lays the content out: measured only when p->cr is NULL, else drawn into it. */
static void content(struct pdf *p, const struct bs_report_outline *o)
{
	p->npages = 0;
	new_page(p);
	for (size_t i = 0; i < o->n; i++) {
		const struct bs_rblock *b = &o->v[i];
		if (b->kind == BS_RB_HEADING) {
			const PangoFontDescription *f = p->h[b->level - 1 < 3 ? b->level - 1 : 2];
			/* a chapter starts a page; a section keeps with what follows */
			if (b->level == 1 && i > 0)
				new_page(p);
			text_block(p, f, b->text, b->level == 1 ? 0 : 8, 6, 60);
			p->heading_page[i] = p->npages - 1;
			p->heading_y[i] = p->y - 6 - layout_h(p->lay);
		} else if (b->kind == BS_RB_PARA) {
			text_block(p, p->body, b->text, 0, 6, 0);
		} else {
			table(p, b);
		}
	}
	if (p->cr) {
		footer(p, p->cr, p->footer_text, p->first + p->npages - 1);
		cairo_show_page(p->cr);
	}
}

int bs_report_pdf(const struct bs_report_outline *o, enum bs_lang lang, const char *created, struct bs_buf *out)
{
	struct pdf p = { 0 };
	cairo_surface_t *pdf;
	cairo_t *cr;
	cairo_status_t st;
	int toc;
	size_t start = out->len;

	p.lang = lang;
	p.footer_text = o->footer;
	p.fm = pango_cairo_font_map_new();
	p.pc = pango_font_map_create_context(p.fm);
	pango_context_set_language(p.pc, pango_language_from_string(lang == BS_LANG_EN ? "en" : "zh-tw"));
	p.body = pango_font_description_from_string(FONT " 10");
	p.small = pango_font_description_from_string(FONT " 7.5");
	p.small_bold = pango_font_description_from_string(FONT " Bold 7.5");
	p.title = pango_font_description_from_string(FONT " Bold 22");
	p.h[0] = pango_font_description_from_string(FONT " Bold 16");
	p.h[1] = pango_font_description_from_string(FONT " Bold 13");
	p.h[2] = pango_font_description_from_string(FONT " Bold 11");
	p.cache = g_hash_table_new_full(g_str_hash, g_str_equal, free, g_object_unref);
	p.wcache = g_hash_table_new_full(g_str_hash, g_str_equal, free, free);
	p.heading_page = bs_calloc(o->n + 1, sizeof(int));
	p.heading_y = bs_calloc(o->n + 1, sizeof(double));

	pdf = cairo_pdf_surface_create_for_stream(write_buf, out, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, o->title);
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "brokersec");
	if (created && *created) {
		cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATE_DATE, created);
		cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_MOD_DATE, created);
	}
	cr = cairo_create(pdf);
	/* the same font options for measuring and drawing, so that both passes break alike */
	pango_cairo_update_context(cr, p.pc);
	p.lay = pango_layout_new(p.pc);
	pango_layout_set_wrap(p.lay, PANGO_WRAP_WORD_CHAR);
	p.measure = pango_layout_new(p.pc);

	content(&p, o);                       /* measure */
	toc = contents_pages(&p, o, lang, cr, pdf, 0, 0);
	p.first = toc + 1;
	p.total = toc + p.npages;
	contents_pages(&p, o, lang, cr, pdf, p.first, 1);
	footer(&p, cr, o->footer, toc);
	cairo_show_page(cr);
	p.cr = cr;
	content(&p, o);                       /* draw */
	p.cr = NULL;

	cairo_destroy(cr);
	cairo_surface_finish(pdf);
	st = cairo_surface_status(pdf);
	cairo_surface_destroy(pdf);
	pdf_free(&p);
	if (st != CAIRO_STATUS_SUCCESS) {
		bs_buf_truncate(out, start);
		return bs_error(BS_ERR, "cannot render the report as PDF: %s (cairo)", cairo_status_to_string(st));
	}
	return 0;
}
