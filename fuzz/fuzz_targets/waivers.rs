//! Waiver files: parsed, and when they parse, applied to the judgements of the sample
//! orders. A waiver never touches an `error` verdict, never removes a finding, only waives
//! a finding of its own rule while in force, and the verdict is what the unwaived findings
//! say, never above what it was.
#![no_main]

use std::sync::OnceLock;

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use redflag::diag::Diagnostics;
use redflag::findings::{Judgement, Verdict};
use redflag::waivers::{WaiverUse, Waivers};
use redflag_fuzz::{default_engine, sample_records};

fn judgements() -> &'static [Judgement] {
    static JUDGEMENTS: OnceLock<Vec<Judgement>> = OnceLock::new();
    JUDGEMENTS.get_or_init(|| {
        sample_records()
            .iter()
            .map(|r| default_engine().judge(r))
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut acc = Diagnostics::new();
    let parsed = Waivers::parse("waivers.toml", &text, &mut acc);
    assert_eq!(
        parsed.is_some(),
        !acc.has_errors(),
        "waivers parse exactly when no error is reported"
    );
    let Some(waivers) = parsed else { return };
    let as_of = NaiveDate::from_ymd_opt(2024, 9, 1).unwrap_or_default();
    let mut used = WaiverUse::default();
    for before in judgements() {
        let mut after = before.clone();
        waivers.apply(&mut after, as_of, &mut used);
        assert_eq!(
            after.findings.len(),
            before.findings.len(),
            "a waiver removed a finding"
        );
        if before.verdict == Verdict::Error {
            assert_eq!(
                after.verdict,
                Verdict::Error,
                "a waiver changed an error verdict"
            );
            continue;
        }
        assert!(
            after.verdict <= before.verdict,
            "a waiver raised the verdict"
        );
        let unwaived = after
            .findings
            .iter()
            .filter(|f| f.waiver.is_none())
            .map(|f| f.severity)
            .max()
            .map_or(Verdict::Clear, Verdict::Flagged);
        assert_eq!(
            after.verdict, unwaived,
            "the verdict is not what the unwaived findings say"
        );
        for finding in &after.findings {
            if let Some(w) = &finding.waiver {
                assert_eq!(w.rule, finding.rule_id, "a waiver applied to another rule");
                assert!(
                    w.date <= as_of && as_of <= w.expires,
                    "a waiver out of force applied"
                );
            }
        }
    }
});
