#!/bin/sh
# docs/examples/assessment.sh end to end, and its four reports read back with real tools:
# pdftotext finds every item of Annex 2 捌 and a CJK finding; pdffonts shows the embedded Noto
# CJK TC font; LibreOffice converts the DOCX and the text survives; ajv validates the OSCAL
# document against NIST's OSCAL 1.1.2 schema (tests/oscal/).
. "$TOP/tests/cli/lib.sh"
export BROKERSEC
O=$T/out
run sh "$TOP/docs/examples/assessment.sh" "$T/d" "$O"
check "the example runs" [ "$rc" -eq 0 ]
for f in report.html report.pdf report.docx report.oscal.json; do
	check "the example writes $f" [ -s "$O/$f" ]
done

# PDF: the words of 捌 (its items are headings or columns), a finding, the numbering
pdftotext "$O/report.pdf" "$T/pdf.txt" 2>"$T/pdftotext.err"
check "pdftotext reads the PDF" [ -s "$T/pdf.txt" ]
# Pango breaks lines inside table cells: compare without white space
tr -d ' \n' < "$T/pdf.txt" > "$T/pdf.flat"
pdf=$(cat "$T/pdf.flat")
for w in 評估人員資格 評估範圍 缺失項目 缺失嚴重程度 缺失類別 風險說明 具體改善建議 社交演練結果 稽核單位追蹤覆查 \
	報告保存 保存五年 設備抽測 各控制項評估結果 報告摘要 目錄; do
	check "PDF has '$w'" contains "$pdf" "$w"
done
check "PDF has a CJK finding" contains "$pdf" "共用帳號且無帳號停用程序"
check "PDF has the audit unit's follow-up" contains "$pdf" "已覆查所有主機之鎖定設定"
# (text extraction interleaves the lines of neighbouring cells: the whole cell is checked in HTML)
check "PDF quotes the regulation's numbering beside the id" contains "$pdf" "A2.4.1.6.1.1（附件二肆、一、(六)、"
check "PDF has the drill's results" contains "$pdf" "9(7.5%)"
check "PDF numbers its pages" contains "$pdf" "第1頁，共"
run pdffonts "$O/report.pdf"
check "pdffonts: Noto Sans CJK TC" contains "$out" "NotoSansCJKtc"
check "pdffonts: every font embedded" [ -z "$(printf '%s\n' "$out" | awk 'NR > 2 && $(NF-4) != "yes"')" ]
run pdfinfo "$O/report.pdf"
check "PDF is A4 with a title" contains "$out" "電腦系統資訊安全評估報告"

# DOCX: LibreOffice opens and converts it; the text survives
mkdir -p "$T/lo"
run timeout 180 soffice "-env:UserInstallation=file://$T/lo/profile" --headless --convert-to pdf --outdir "$T/lo" "$O/report.docx"
check "soffice converts the DOCX" [ -s "$T/lo/report.pdf" ]
lo=$(pdftotext "$T/lo/report.pdf" - 2>/dev/null | tr -d ' \n')
for w in 評估人員資格 缺失嚴重程度 具體改善建議 社交演練結果 稽核單位追蹤覆查 共用帳號且無帳號停用程序 陳安信; do
	check "DOCX via LibreOffice has '$w'" contains "$lo" "$w"
done

# HTML: self-contained, the same sections
html=$(cat "$O/report.html")
check "HTML is one file: no external resource" ! contains "$html" 'src="http'
check "HTML has print CSS" contains "$html" "@media print"
check "HTML has the findings' recommendation" contains "$html" "停用共用帳號並改為個人帳號"
check "HTML: numbering beside the catalog id" contains "$html" "A2.4.1.6.1.1（附件二肆、一、(六)、1.(1)） 帳號管理機制"
check "HTML: the sample with its devices" contains "$html" "SRV-006"

# OSCAL: valid against NIST's schema with ajv (tests/js: npm ci)
AJV=$TOP/tests/js/node_modules/.bin/ajv
check "ajv is installed (make check runs npm ci in tests/js)" [ -x "$AJV" ]
run "$AJV" validate --spec=draft7 -c ajv-formats -s "$TOP/tests/oscal/oscal_complete_schema-1.1.2.json" -d "$O/report.oscal.json"
check "ajv: the OSCAL assessment-results document is valid" [ "$rc" -eq 0 ]
# and the validator can fail: a finding whose target is not a token is refused
python3 - "$O/report.oscal.json" "$T/bad.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["assessment-results"]["results"][0]["findings"][0]["target"]["target-id"] = "9 not a token"
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
run "$AJV" validate --spec=draft7 -c ajv-formats -s "$TOP/tests/oscal/oscal_complete_schema-1.1.2.json" -d "$T/bad.json"
check "ajv refuses a broken document" [ "$rc" -ne 0 ]
run python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["assessment-results"]; r=d["results"][0]; print(len(r["findings"]), len(r["risks"]), d["metadata"]["oscal-version"])' "$O/report.oscal.json"
check "OSCAL: 3 findings, 3 risks, 1.1.2" [ "$out" = "3 3 1.1.2" ]

# each file is an issued report
for f in report.html report.pdf report.docx report.oscal.json; do
	run "$BROKERSEC" --data "$T/d" report verify "$O/$f"
	check "verify $f" [ "$rc" -eq 0 ]
done
finish
