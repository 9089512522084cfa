/* schedule_records.c - the deadline engine's record duties: what incidents, job changes,
 * people, vendors, disposals, apps and policy documents still lack that the text requires
 * (BS_DUTY_DEFECT: overdue means "not met"). */
#include "profile/profile.h"
#include "registry/registry.h"
#include "schedule/schedule_int.h"

void sched_rule_incidents(struct sched_ctx *c)
{
	static const struct {
		const char *field, *duty, *zh, *en;
	} reports[] = {
		{ "reported_association", "report-association", "本公會", "the association" },
		{ "reported_regulator", "report-regulator", "主管機關", "the regulator" },
	};
	static const char *const steps[] = { "isolate", "scan", "preserve", "restore", "improve", NULL };

	EACH_LIVE(c, "incident", i, inc) {
		int32_t detected;
		char sj[40];
		if (date_of(inc, "detected", &detected) < 0 || detected > c->o->as_of)
			continue;
		subj(sj, sizeof(sj), "incident", id_of(inc));
		/* SR.19: incidents and personal-data breaches are reported as soon as possible */
		if (flag(inc, "major") || flag(inc, "personal_data")) {
			for (size_t k = 0; k < sizeof(reports) / sizeof(reports[0]); k++) {
				struct detail d = DETAIL_INIT;
				if (str(inc, reports[k].field))
					continue;
				dz(&d, "「%s」尚未通報%s：應儘速通報", str(inc, "title"), reports[k].zh);
				de(&d, "'%s' not yet reported to %s: report it as soon as possible", str(inc, "title"),
				   reports[k].en);
				emit(c, reports[k].duty, "SR.19", sj, detected, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
			}
		}
		if (flag(inc, "ransomware")) {
			struct bs_buf miss = BS_BUF_INIT;
			for (int k = 0; steps[k]; k++) {
				const json_t *done = json_object_get(inc, "steps");
				int has = 0;
				for (size_t j = 0; j < json_array_size(done); j++)
					has |= !strcmp(json_string_value(json_array_get(done, j)), steps[k]);
				if (!has)
					bs_buf_printf(&miss, "%s%s", miss.len ? "," : "", steps[k]);
			}
			if (miss.len) {
				struct detail d = DETAIL_INIT;
				dz(&d, "勒索軟體事件「%s」尚缺應變步驟：%s", str(inc, "title"), miss.ptr);
				de(&d, "ransomware incident '%s' lacks response steps: %s", str(inc, "title"), miss.ptr);
				emit(c, "response-steps", "A3.6", sj, detected, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
			}
			bs_buf_release(&miss);
		}
	}
}

void sched_rule_job_changes(struct sched_ctx *c)
{
	EACH_LIVE(c, "job-change", i, jc) {
		int32_t day;
		char sj[40], ds[BS_DATE_MAX];
		if (date_of(jc, "date", &day) < 0)
			continue;
		subj(sj, sizeof(sj), "job-change", id_of(jc));
		fmt_date(day, ds);
		if (!str(jc, "access_revoked")) {
			struct detail d = DETAIL_INIT;
			dz(&d, "person:%lld %s（%s）：存取權限尚未註銷", (long long)num(jc, "person", 0), str(jc, "kind"), ds);
			de(&d, "person:%lld %s on %s: access not yet revoked", (long long)num(jc, "person", 0),
			   str(jc, "kind"), ds);
			emit(c, "access-revoke", "SR.4.7", sj, day, BS_DUTY_DEFECT, day < c->o->as_of ? FORCE_OVERDUE : BY_DATE,
			     &d);
		}
		if (!str(jc, "assets_returned")) {
			struct detail d = DETAIL_INIT;
			dz(&d, "person:%lld %s（%s）：資產尚未歸還", (long long)num(jc, "person", 0), str(jc, "kind"), ds);
			de(&d, "person:%lld %s on %s: assets not yet returned", (long long)num(jc, "person", 0),
			   str(jc, "kind"), ds);
			emit(c, "assets-return", "SR.4.7", sj, day, BS_DUTY_DEFECT, day < c->o->as_of ? FORCE_OVERDUE : BY_DATE,
			     &d);
		}
	}
}

void sched_rule_people(struct sched_ctx *c)
{
	EACH_LIVE(c, "person", i, p) {
		int32_t hired;
		int32_t due = date_of(p, "hired", &hired) == 0 && hired < c->o->as_of ? hired : c->o->as_of;
		char sj[40];
		subj(sj, sizeof(sj), "person", id_of(p));
		if (!flag(p, "background_check")) {
			struct detail d = DETAIL_INIT;
			dz(&d, "「%s」尚無背景查核紀錄", str(p, "name"));
			de(&d, "'%s' has no background check recorded", str(p, "name"));
			emit(c, "background-check", "SR.4.1", sj, due, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
		}
		if (!str(p, "nda_signed")) {
			struct detail d = DETAIL_INIT;
			dz(&d, "「%s」尚未簽署保密切結", str(p, "name"));
			de(&d, "'%s' has not signed a confidentiality agreement", str(p, "name"));
			emit(c, "confidentiality", "SR.4.2", sj, due, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
		}
	}
}

void sched_rule_vendors(struct sched_ctx *c)
{
	EACH_LIVE(c, "vendor", i, v) {
		char sj[40];
		subj(sj, sizeof(sj), "vendor", id_of(v));
		if (!flag(v, "confidentiality")) {
			struct detail d = DETAIL_INIT;
			dz(&d, "委外廠商「%s」契約無保密條款", str(v, "name"));
			de(&d, "vendor '%s': no confidentiality clause in the contract", str(v, "name"));
			emit(c, "vendor-confidentiality", "SR.4.3", sj, c->o->as_of, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
		}
		/* A2.5.6.6 is about outsourced system development (資通系統開發如委外辦理): it binds
		 * development vendors; one whose kind is not recorded is asked for it */
		const char *kind = str(v, "kind");
		if (!kind) {
			struct detail d = DETAIL_INIT;
			dz(&d, "委外廠商「%s」未登錄服務種類，無法判斷是否為委外系統開發：brokersec vendor update %lld "
			       "--kind development|maintenance|hosting|disposal|other", str(v, "name"), (long long)id_of(v));
			de(&d, "vendor '%s' has no kind, so whether it develops systems is unknown: brokersec vendor "
			       "update %lld --kind development|maintenance|hosting|disposal|other", str(v, "name"),
			   (long long)id_of(v));
			emit(c, "vendor-kind", "A2.5.6.6", sj, c->o->as_of, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
		} else if (!strcmp(kind, "development") && !flag(v, "security_requirements")) {
			struct detail d = DETAIL_INIT;
			dz(&d, "委外開發廠商「%s」契約未將系統發展生命週期各階段之防護基準納入", str(v, "name"));
			de(&d, "development vendor '%s': the contract does not include the protection baseline of each "
			       "stage of the system development life cycle", str(v, "name"));
			emit(c, "vendor-security", "A2.5.6.6", sj, c->o->as_of, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
		}
	}
}

void sched_rule_disposals(struct sched_ctx *c)
{
	EACH_LIVE(c, "disposal", i, x) {
		struct bs_buf zh = BS_BUF_INIT, en = BS_BUF_INIT;
		int32_t day;
		char sj[40];
		if (date_of(x, "date", &day) < 0)
			continue;
		if (!flag(x, "data_removed")) {
			bs_buf_puts(&zh, "資料未確認清除");
			bs_buf_puts(&en, "data removal not recorded");
		}
		if (!flag(x, "software_removed")) {
			bs_buf_printf(&zh, "%s授權軟體未確認移除", zh.len ? "、" : "");
			bs_buf_printf(&en, "%slicensed software removal not recorded", en.len ? "; " : "");
		}
		if (!str(x, "verified_by")) {
			bs_buf_printf(&zh, "%s無確認人", zh.len ? "、" : "");
			bs_buf_printf(&en, "%sno verifier", en.len ? "; " : "");
		}
		if (zh.len) {
			struct detail d = DETAIL_INIT;
			subj(sj, sizeof(sj), "disposal", id_of(x));
			dz(&d, "報廢「%s」：%s", str(x, "description"), zh.ptr);
			de(&d, "disposal of '%s': %s", str(x, "description"), en.ptr);
			emit(c, "disposal-record", "SR.17", sj, day, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
		}
		bs_buf_release(&zh);
		bs_buf_release(&en);
	}
}

/* A1.4.1.1.5.2: a class-3 app with transaction functions is assessed as a category-1
 * system: it must name the system that serves it, and that system must be registered so. */
static void app_category(struct sched_ctx *c, const json_t *a, const char *sj)
{
	struct detail d = DETAIL_INIT;
	int64_t sid = num(a, "system", 0);
	const json_t *sys = NULL;

	if (num(a, "class", 0) != 3 || !flag(a, "transactions"))
		return;
	EACH_LIVE(c, "system", i, s)
		if (id_of(s) == sid)
			sys = s;
	if (!sys) {
		dz(&d, "第三類、具交易功能之 App「%s」未連結服務它的電腦系統，無法納入第一類電腦系統評估："
		       "brokersec app update %lld --system ID", str(a, "name"), (long long)id_of(a));
		de(&d, "class-3 app '%s' with transaction functions names no live system that serves it, so it cannot be "
		       "assessed as a category-1 system: brokersec app update %lld --system ID", str(a, "name"),
		   (long long)id_of(a));
		emit(c, "app-system", "A1.4.1.1.5.2", sj, c->o->as_of, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
	} else if (num(sys, "category", 0) != 1) {
		dz(&d, "第三類、具交易功能之 App「%s」由系統「%s」(system:%lld) 服務，該系統登錄為第%lld類，應納入第一類",
		   str(a, "name"), str(sys, "name"), (long long)sid, (long long)num(sys, "category", 0));
		de(&d, "class-3 app '%s' with transaction functions is served by system '%s' (system:%lld), registered as "
		       "category %lld: it belongs in category 1", str(a, "name"), str(sys, "name"), (long long)sid,
		   (long long)num(sys, "category", 0));
		emit(c, "app-category", "A1.4.1.1.5.2", sj, c->o->as_of, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
	}
}

void sched_rule_apps(struct sched_ctx *c)
{
	EACH_LIVE(c, "app", i, a) {
		int cls = (int)num(a, "class", 0);
		const json_t *met = json_object_get(a, "met");
		struct bs_buf miss = BS_BUF_INIT;
		size_t nmiss = 0;
		char sj[40];

		subj(sj, sizeof(sj), "app", id_of(a));
		app_category(c, a, sj);
		for (int row = 1; row <= 19; row++) {
			char id[24];
			int has = 0;
			snprintf(id, sizeof(id), "A1.T1.%02u", (unsigned)row % 100u);
			if (!bs_app_requires(id, cls))
				continue;
			for (size_t j = 0; j < json_array_size(met); j++)
				has |= !strcmp(json_string_value(json_array_get(met, j)), id);
			if (!has) {
				bs_buf_printf(&miss, "%s%s", miss.len ? "," : "", id);
				nmiss++;
			}
		}
		if (nmiss) {
			struct detail d = DETAIL_INIT;
			/* the text's own term: 安全分類 第一類 .. 第三類 (Annex 1 伍) */
			dz(&d, "第%s類 App「%s」尚有 %zu 項表一要求未符合：%s", cls == 1 ? "一" : cls == 2 ? "二" : "三",
			   str(a, "name"), nmiss, miss.ptr);
			de(&d, "class %d app '%s' has %zu unmet Table 1 requirements: %s", cls, str(a, "name"), nmiss, miss.ptr);
			emit(c, "app-requirements", "A1.T1", sj, c->o->as_of, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
		}
		bs_buf_release(&miss);
	}
}

/* SR.5: the mobile-device rules bind every broker; the BYOD profile flag adds to them. A
 * device registered as byod while the profile says BYOD is not allowed contradicts it: the
 * rules and their security procedures (SR.5.3) must then cover 自攜裝置 too (第二條三), so
 * the profile is asked to say so. */
static void byod_devices(struct sched_ctx *c)
{
	if (c->o->profile_mask & (1u << BS_PF_BYOD))
		return;
	EACH_LIVE(c, "device", i, dev) {
		struct detail d = DETAIL_INIT;
		char sj[40];
		const char *st = str(dev, "status");
		if (!str(dev, "kind") || strcmp(str(dev, "kind"), "byod") ||
		    (st && (!strcmp(st, "retired") || !strcmp(st, "disposed"))))
			continue;
		subj(sj, sizeof(sj), "device", id_of(dev));
		dz(&d, "裝置登錄有自攜裝置「%s」，但組織設定「允許自攜裝置」為否：行動裝置規範應涵蓋自攜裝置，"
		       "brokersec profile set byod=yes", str(dev, "asset_tag"));
		de(&d, "the device register holds BYOD device '%s' but the profile says BYOD is not allowed: the "
		       "mobile-device rules must cover it; brokersec profile set byod=yes", str(dev, "asset_tag"));
		emit(c, "byod-profile", "SR.5.3", sj, c->o->as_of, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
	}
}

void sched_rule_policy_docs(struct sched_ctx *c)
{
	byod_devices(c);
	for (size_t k = 0; bs_policy_kinds[k].kind; k++) {
		const struct bs_policy_kind *pk = &bs_policy_kinds[k];
		int any = 0;
		if (pk->profile_flag >= 0 && !(c->o->profile_mask & (1u << pk->profile_flag)))
			continue;
		EACH_LIVE(c, "policy-doc", i, doc) {
			struct bs_buf miss = BS_BUF_INIT;
			const json_t *items = json_object_get(doc, "items");
			char sj[40];
			if (!str(doc, "kind") || strcmp(str(doc, "kind"), pk->kind))
				continue;
			any = 1;
			subj(sj, sizeof(sj), "policy-doc", id_of(doc));
			for (size_t j = 0; pk->items[j]; j++) {
				int has = 0;
				for (size_t n = 0; n < json_array_size(items); n++)
					has |= !strcmp(json_string_value(json_array_get(items, n)), pk->items[j]);
				if (!has)
					bs_buf_printf(&miss, "%s%s", miss.len ? "," : "", pk->items[j]);
			}
			if (miss.len) {
				struct detail d = DETAIL_INIT;
				dz(&d, "規範「%s」尚缺應含項目：%s", str(doc, "title"), miss.ptr);
				de(&d, "document '%s' lacks required items: %s", str(doc, "title"), miss.ptr);
				emit(c, "policy-items", pk->article, sj, c->o->as_of, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
			}
			if (!str(doc, "approved")) {
				struct detail d = DETAIL_INIT;
				dz(&d, "規範「%s」尚未核定", str(doc, "title"));
				de(&d, "document '%s' is not approved", str(doc, "title"));
				emit(c, "policy-approval", pk->article, sj, c->o->as_of, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
			}
			bs_buf_release(&miss);
		}
		if (!any) {
			struct detail d = DETAIL_INIT;
			char sj[40];
			const struct bs_register *pd = bs_register_find("policy-doc");
			const struct bs_field *kf = pd ? bs_register_field(pd, "kind") : NULL;
			struct bs_buf label = BS_BUF_INIT; /* 自攜裝置, not byod, in the officer's words */
			if (kf)
				bs_field_value_label(kf, pk->kind, BS_LANG_ZH_TW, &label);
			snprintf(sj, sizeof(sj), "policy:%s", pk->kind);
			dz(&d, "尚無「%s」規範文件（%s）", label.ptr ? label.ptr : pk->kind, pk->article);
			bs_buf_release(&label);
			de(&d, "no %s document (%s) in the policy-doc register", pk->kind, pk->article);
			emit(c, "policy-doc", pk->article, sj, c->o->as_of, BS_DUTY_DEFECT, FORCE_OVERDUE, &d);
		}
	}
}
