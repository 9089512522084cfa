/* A report model built by hand (no data directory): the unit tests render it, and
 * bench/report/bench_report.c renders a large one. report_fixture() makes nsys systems with
 * nctl catalog controls each and nfind findings; text is zh-TW with markup and quotes in it,
 * so that escaping is exercised in every format. */
#ifndef REPORT_FIXTURE_H
#define REPORT_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "catalog/catalog.h"
#include "report/report.h"

static char *fx_fmt(const char *fmt, size_t n)
{
	char b[256];
	snprintf(b, sizeof(b), fmt, n);
	return bs_strdup(b);
}

static void report_fixture(struct bs_report_doc *d, size_t nsys, size_t nctl, size_t nfind)
{
	static const char *const sev[] = { "high", "medium", "low", "critical" };
	static const char *const cat[] = { "technical", "management", "physical", "personnel" };
	const struct bs_catalog *c = NULL;
	const char **ids;
	size_t nids = 0;

	memset(d, 0, sizeof(*d));
	if (bs_catalog_builtin(&c) < 0)
		abort();
	ids = bs_calloc(c->n, sizeof(*ids));
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].nhow)
			ids[nids++] = c->v[i].id;
	d->assessment_id = bs_strdup("7");
	d->title = bs_strdup("2026 年度電腦系統資訊安全評估");
	d->org = bs_strdup("示範保險經紀人股份有限公司 <Demo & \"Co\">");
	d->plan = bs_strdup("board 董事會 2026-01-15");
	d->start = bs_strdup("2026-03-01");
	d->end = bs_strdup("2026-04-30");
	d->status = bs_strdup("reported");
	d->audit_unit = bs_strdup("稽核室");
	d->generated_at = bs_strdup("2026-05-02T08:00:00Z");

	d->nassessors = 2;
	d->assessors = bs_calloc(2, sizeof(*d->assessors));
	d->assessors[0] = (struct bs_report_assessor){ bs_strdup("王大明"), bs_strdup("internal"), bs_strdup("資訊安全室"),
		bs_strdup("獨立於受評系統之開發與維護單位"), 24, bs_strdup(""), bs_strdup("保險經紀業務 8 年"), bs_strdup("2026-02-20") };
	d->assessors[1] = (struct bs_report_assessor){ bs_strdup("Alice Chen"), bs_strdup("external"), bs_strdup("安信顧問股份有限公司"),
		bs_strdup("與受評標的無利害關係"), 0, bs_strdup("ISO 27001 LA; CEH"), bs_strdup("銀行與保險業滲透測試 6 年"), bs_strdup("2026-02-21") };

	d->nsystems = nsys;
	d->systems = bs_calloc(nsys + 1, sizeof(*d->systems));
	for (size_t i = 0; i < nsys; i++) {
		struct bs_report_system *s = &d->systems[i];
		s->id = fx_fmt("%zu", i + 1);
		s->name = i == 0 ? bs_strdup("核心保經業務系統") : i == 1 ? bs_strdup("官方網站 <www>") : fx_fmt("系統 %zu", i + 1);
		s->category = i == 0 ? 1 : 2 + (int)(i % 2);
		s->areas = s->category == 1 ? 0x3ffu : 0x1bu;
		s->areas_reason = bs_strdup(s->category == 1 ? "" : "對外網站：依系統性質選擇資訊架構、網路活動、網站安全與安全設定檢視");
		s->devices_total = i == 0 ? 1200 : 12;
		s->sample_required = i == 0 ? 120 : 12;
		s->devices_sampled = s->sample_required;
	}
	d->nsamples = nsys * 2;
	d->samples = bs_calloc(d->nsamples + 1, sizeof(*d->samples));
	for (size_t i = 0; i < d->nsamples; i++) {
		struct bs_report_sample *s = &d->samples[i];
		s->system_id = fx_fmt("%zu", i / 2 + 1);
		s->device_id = fx_fmt("PC-%04zu", i + 1);
		s->device_name = bs_strdup("伺服器 · 機房 A");
		s->basis = fx_fmt("scan %zu · 2026-03-10T02:00:00Z", i + 11);
	}
	d->nresults = nsys * nctl;
	d->results = bs_calloc(d->nresults + 1, sizeof(*d->results));
	for (size_t i = 0; i < d->nresults; i++) {
		struct bs_report_result *r = &d->results[i];
		r->system_id = fx_fmt("%zu", i / nctl + 1);
		r->control_id = bs_strdup(ids[(i % nctl) % nids]);
		r->result = (enum bs_report_result_kind)(i % 7 == 3 ? BS_RR_NOT_MET : i % 11 == 5 ? BS_RR_NA : BS_RR_MET);
		r->source = bs_strdup(i % 3 == 0 ? "scan" : i % 3 == 1 ? "register" : "judgement");
		r->note = bs_strdup(r->result == BS_RR_NA ? "系統無此功能（不適用理由）" : "檢視組態與紀錄");
	}
	d->nfindings = nfind;
	d->findings = bs_calloc(nfind + 1, sizeof(*d->findings));
	for (size_t i = 0; i < nfind; i++) {
		struct bs_report_finding *f = &d->findings[i];
		f->id = fx_fmt("%zu", i + 1);
		f->system_id = fx_fmt("%zu", i % nsys + 1);
		f->control_id = bs_strdup(i == 0 ? "A2.5.4.2.3" : ids[(i * 7) % nids]);
		f->severity = bs_strdup(sev[i % 4]);
		f->category = bs_strdup(cat[i % 4]);
		f->title = i == 0 ? bs_strdup("帳號鎖定機制未啟用") : fx_fmt("缺失 %zu", i + 1);
		f->risk = bs_strdup(i == 0 ? "登入失敗五次後未鎖定帳號，攻擊者可持續以暴力破解方式猜測密碼 <script>alert(1)</script>"
					   : "未定期檢視存取權限，離職人員帳號可能仍可登入系統，造成未經授權之存取與資料外洩風險。");
		f->recommendation = bs_strdup("啟用帳戶鎖定：身分驗證失敗達五次後至少鎖定十五分鐘，並每季檢視設定 & 紀錄。");
		f->owner = bs_strdup("資訊部 林小華");
		f->due = bs_strdup("2026-06-30");
		f->status = bs_strdup(i % 3 == 0 ? "closed" : "open");
		f->nfollowups = i % 3 == 0 ? 2 : i % 3 == 1 ? 1 : 0;
		f->followups = bs_calloc(f->nfollowups + 1, sizeof(*f->followups));
		for (size_t j = 0; j < f->nfollowups; j++) {
			f->followups[j].at = bs_strdup(j ? "2026-06-20" : "2026-05-20");
			f->followups[j].who = bs_strdup("稽核室 陳稽核");
			f->followups[j].audit_unit = 1;
			f->followups[j].verdict = bs_strdup(j ? "corrected" : "partial");
			f->followups[j].note = bs_strdup(j ? "已覆查設定，改善完成" : "部分主機尚未調整");
		}
	}
	d->ndrills = 1;
	d->drills = bs_calloc(1, sizeof(*d->drills));
	d->drills[0] = (struct bs_report_drill){ bs_strdup("3"), bs_strdup("2026-03-15"), bs_strdup("全體使用電腦系統人員"),
		120, 30, 9, 41, bs_strdup("社交工程演練郵件點擊率 7.5%，已對點擊人員加強教育訓練") };
	free(ids);
}

#endif
