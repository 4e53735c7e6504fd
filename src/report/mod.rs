//! Rendering a run: human text, JSON, JSON Lines, HTML, SARIF and CSV; and the coverage
//! matrix, run comparisons, explanations and rule-test results.
//!
//! The only module that knows output formats. Reporters stream: they get the
//! run's header, then each judgement in input order, then the summary, so a
//! million orders never sit in memory. Wire structures are built here by hand
//! from the domain types, which are deliberately not `Serialize`.

pub mod coverage;
pub mod csv;
pub mod diff;
pub mod escape;
pub mod explain;
pub mod filter;
pub mod html;
pub mod human;
pub mod json;
pub mod profile;
pub mod ruletest;
pub mod sarif;

use std::io::{self, Write};

use chrono::NaiveDate;

use crate::findings::{
    Finding, Judgement, ListingStatus, MatchBasis, ScreeningEvidence, Truth, Verdict,
};
use crate::rules::{RulePack, Severity};

/// What a report says about the run before any order.
#[derive(Debug, Clone)]
pub struct RunInfo<'a> {
    /// The pack used.
    pub pack: &'a RulePack,
    /// Where the pack came from (`<default pack>` or a directory).
    pub pack_origin: String,
    /// The inputs, as named on the command line.
    pub inputs: Vec<String>,
    /// The `--fail-on` threshold.
    pub fail_on: Severity,
    /// The screening lists parties were screened against (empty: none given).
    pub screening: Vec<ScreeningInfo>,
    /// The waiver file, if one was given; also listed in `other_files`.
    pub waiver_file: Option<&'a crate::waivers::Waivers>,
    /// The date waivers must be in force on: `as_of` when given, else the day of the run.
    pub judged_on: NaiveDate,

    /// The date the orders are judged as of (`--as-of`), when one was given: screening-list
    /// entries listed later are not known yet. `None`: the day of the run, no cut-off.
    pub as_of: Option<NaiveDate>,
    /// Whether a stated `ship_date` was taken as the day the goods left (`check --shipped`,
    /// `--as-of`). `false`: the orders had not shipped, and a `ship_date` was a plan.
    pub shipped: bool,
    /// Further files the run depends on (a waiver file, say), shown with the
    /// provenance in every format.
    pub other_files: Vec<ProvenanceFile>,
    /// The coverage matrix, when the caller computed one; the HTML report
    /// shows it as a section of its own.
    pub coverage: Option<ReportSection>,
    /// Waivers applied, expired and unused, when the caller has them; the
    /// HTML report shows them as a section of its own.
    pub waivers: Option<ReportSection>,
    /// Which orders the report shows (`--only flagged`, `--min-verdict`); the counts always
    /// cover every order.
    pub filter: filter::ReportFilter,
}

/// Provenance of one screening list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreeningInfo {
    /// The list's name.
    pub name: String,
    /// The file read.
    pub file: String,
    /// The format it was read as.
    pub format: String,
    /// When it was last checked against its source, if stated.
    pub as_of: Option<chrono::NaiveDate>,
    /// Where it comes from, if stated.
    pub source: String,
    /// SHA-256 of the file; an OFAC set's covers every file of it
    /// (`screening::import::ofac_set_digest`).
    pub digest: String,
    /// Entries read.
    pub entries: usize,
    /// Rows that could not be read (reported as warnings).
    pub problems: usize,
}

impl<'a> RunInfo<'a> {
    /// A run with no as-of date, no other files and no extra sections.
    pub fn new(
        pack: &'a RulePack,
        pack_origin: impl Into<String>,
        inputs: Vec<String>,
        fail_on: Severity,
    ) -> RunInfo<'a> {
        RunInfo {
            pack,
            pack_origin: pack_origin.into(),
            inputs,
            fail_on,
            screening: Vec::new(),
            as_of: None,
            shipped: false,
            other_files: Vec::new(),
            coverage: None,
            waivers: None,
            waiver_file: None,
            judged_on: chrono::Local::now().date_naive(),
            filter: filter::ReportFilter::all(),
        }
    }
}

/// A file that is part of a run's provenance besides the pack and inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvenanceFile {
    /// What the file is for (`waivers`).
    pub role: String,
    /// The file as named on the command line.
    pub file: String,
    /// Lowercase hex SHA-256 of its bytes.
    pub sha256: String,
}

/// A table computed outside the reporters (coverage, waivers), rendered as
/// it is: the reporters add no meaning to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportSection {
    /// Heading.
    pub title: String,
    /// A sentence shown above the table, if any.
    pub note: Option<String>,
    /// Column headings.
    pub columns: Vec<String>,
    /// Rows of cells, as many as `columns`.
    pub rows: Vec<Vec<String>>,
}

/// What the run read from one input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputSummary {
    /// The input as named on the command line (`-` for standard input).
    pub file: String,
    /// Records read from it.
    pub records: usize,
    /// Lowercase hex SHA-256 of its bytes; `None` when it was not read from a
    /// file or standard input, or not to its end.
    pub sha256: Option<String>,
    /// Bytes read, with the digest.
    pub bytes: Option<u64>,
}

/// Counts that always add up: `read == judged + rejected`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Records read.
    pub read: usize,
    /// Orders judged.
    pub judged: usize,
    /// Records rejected as unreadable.
    pub rejected: usize,
    /// Orders per verdict: clear, info, review, hold, block, error.
    pub clear: usize,
    /// Orders whose worst finding is `info`.
    pub info: usize,
    /// Orders whose worst finding is `review`.
    pub review: usize,
    /// Orders whose worst finding is `hold`.
    pub hold: usize,
    /// Orders whose worst finding is `block`.
    pub block: usize,
    /// Findings in all.
    pub findings: usize,
    /// Findings that could not be decided.
    pub undecided: usize,
    /// Records at or above `--fail-on` (error records always count).
    pub failing: usize,
    /// Findings cleared by a waiver (still reported, and counted in `findings`).
    pub waived: usize,
    /// Waivers that matched a finding but were not in force on the as-of date.
    pub waivers_expired: Vec<String>,
    /// Waivers that matched no finding.
    pub waivers_unused: Vec<String>,
    /// Each input, in the order given.
    pub inputs: Vec<InputSummary>,
    /// Orders whose `date` or `ship_date` is after the run's `--as-of` day: entries listed
    /// and rows in force between that day and theirs were left out for them.
    pub dated_after_as_of: usize,
    /// Orders the report does not show because of its filter ([`RunInfo::filter`]); they are
    /// counted above all the same.
    pub left_out: usize,
}

impl Summary {
    /// Counts one judgement.
    pub fn add(&mut self, judgement: &Judgement, fail_on: Severity) {
        self.read += 1;
        match judgement.verdict {
            Verdict::Error => {
                self.rejected += 1;
                self.failing += 1;
                return;
            }
            Verdict::Clear => self.clear += 1,
            Verdict::Flagged(Severity::Info) => self.info += 1,
            Verdict::Flagged(Severity::Review) => self.review += 1,
            Verdict::Flagged(Severity::Hold) => self.hold += 1,
            Verdict::Flagged(Severity::Block) => self.block += 1,
        }
        self.judged += 1;
        self.findings += judgement.findings.len();
        self.waived += judgement
            .findings
            .iter()
            .filter(|f| f.waiver.is_some())
            .count();
        self.undecided += judgement
            .findings
            .iter()
            .filter(|f| f.kind == crate::findings::FindingKind::Undecided)
            .count();
        if matches!(judgement.verdict, Verdict::Flagged(s) if s >= fail_on) {
            self.failing += 1;
        }
    }
}

/// A streaming output format.
pub trait Reporter: Send + Sync {
    /// Writes whatever precedes the orders.
    fn begin(&mut self, out: &mut dyn Write, run: &RunInfo) -> io::Result<()>;
    /// Writes one judgement.
    fn judgement(&mut self, out: &mut dyn Write, judgement: &Judgement) -> io::Result<()>;
    /// Renders one judgement on its own, after `begin`, when the format allows it (each
    /// judgement's text depends on it alone): the run then renders judgements on every core
    /// and writes them in order with [`Reporter::write_rendered`]. `None` (the default): the
    /// run calls [`Reporter::judgement`] instead.
    fn render(&self, _judgement: &Judgement) -> Option<Vec<u8>> {
        None
    }
    /// Writes a judgement [`Reporter::render`] rendered, in input order.
    fn write_rendered(&mut self, out: &mut dyn Write, rendered: &[u8]) -> io::Result<()> {
        out.write_all(rendered)
    }
    /// [`Reporter::render`] as a function of its own, after `begin`, that renders the same
    /// bytes without borrowing the reporter: the run then judges and renders the next batch
    /// while this reporter writes the last. `None` (the default): judging waits for writing.
    fn renderer(&self) -> Option<Renderer> {
        None
    }
    /// Writes the closing summary.
    fn finish(&mut self, out: &mut dyn Write, run: &RunInfo, summary: &Summary) -> io::Result<()>;
}

/// What [`Reporter::renderer`] hands out.
pub type Renderer = Box<dyn Fn(&Judgement) -> Option<Vec<u8>> + Send + Sync>;

impl<R: Reporter + ?Sized> Reporter for Box<R> {
    fn begin(&mut self, out: &mut dyn Write, run: &RunInfo) -> io::Result<()> {
        (**self).begin(out, run)
    }
    fn judgement(&mut self, out: &mut dyn Write, judgement: &Judgement) -> io::Result<()> {
        (**self).judgement(out, judgement)
    }
    fn render(&self, judgement: &Judgement) -> Option<Vec<u8>> {
        (**self).render(judgement)
    }
    fn write_rendered(&mut self, out: &mut dyn Write, rendered: &[u8]) -> io::Result<()> {
        (**self).write_rendered(out, rendered)
    }
    fn renderer(&self) -> Option<Renderer> {
        (**self).renderer()
    }
    fn finish(&mut self, out: &mut dyn Write, run: &RunInfo, summary: &Summary) -> io::Result<()> {
        (**self).finish(out, run, summary)
    }
}

/// An order's context as written in every format for people: `buyer Name (CN) · destination
/// DE · 1,050,000.00 USD`; parts the order does not give are left out, and `None` when it
/// gives none. Data is not escaped here: each format escapes the whole.
pub fn context_line(c: &crate::context::OrderContext) -> Option<String> {
    let mut parts = Vec::new();
    match (&c.buyer_name, &c.buyer_country) {
        (Some(name), Some(country)) => parts.push(format!("buyer {name} ({country})")),
        (Some(name), None) => parts.push(format!("buyer {name}")),
        (None, Some(country)) => parts.push(format!("buyer in {country}")),
        (None, None) => {}
    }
    if let Some(d) = &c.destination {
        parts.push(format!("destination {d}"));
    }
    if let Some(v) = value_text(c) {
        parts.push(v);
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The order's value with its currency (`1050000.00 USD`), as the order gives it: exact, no
/// rounding, no grouping.
pub fn value_text(c: &crate::context::OrderContext) -> Option<String> {
    c.value.map(|v| match &c.currency {
        Some(cur) => format!("{v} {cur}"),
        None => v.to_string(),
    })
}

/// One value a condition read, on one line: path, value, expectation, the list row it matched
/// (empty cells and bookkeeping columns left out) and the engine's note.
pub(crate) fn observation_line(o: &crate::findings::Observation) -> String {
    let seen = match &o.seen {
        Some(s) => format!("`{s}`"),
        None => "missing".into(),
    };
    let mut text = format!("{} = {seen}, expected {}", o.path, o.expected);
    if let Some(row) = &o.row {
        let cells: Vec<String> = row
            .cells
            .iter()
            .filter(|(k, v)| k != "source" && k != "status" && !v.is_empty())
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        text.push_str(&format!(
            "; matched {} line {} ({})",
            row.list,
            row.line,
            cells.join(", ")
        ));
    }
    if let Some(note) = &o.note {
        text.push_str(&format!("; {note}"));
    }
    text
}

/// A screening match in words: which entry, how it matched, how strongly, when it was listed;
/// for an address match both addresses, for an entry listed through ownership its chain of
/// owners. Shared by the text formats so they say the same thing.
pub fn screening_lines(s: &ScreeningEvidence) -> Vec<String> {
    let programs = if s.programs.is_empty() {
        String::new()
    } else {
        format!(", programs {}", s.programs.join(", "))
    };
    let listed = match (s.listed_on, s.shipment_date) {
        (Some(on), Some(ship)) => format!("listed {on}, shipment {ship}: {}", s.status.as_str()),
        (Some(on), None) => format!("listed {on}; {}", s.status.as_str()),
        (None, _) if s.status == ListingStatus::OrderUndated => s.status.as_str().to_string(),
        (None, _) => "listing date not given: counted as listed".to_string(),
    };
    let ended = s
        .ends_on
        .map(|d| format!(", listing ends {d}"))
        .unwrap_or_default();
    let basis = match &s.basis {
        MatchBasis::Name => "the entry's name".to_string(),
        MatchBasis::Alias(a) => format!("alias `{a}`"),
        MatchBasis::Id { scheme, value } => match &s.id_written_in {
            Some(place) => format!("identifier {scheme} `{value}` (written in {place})"),
            None => format!("identifier {scheme} `{value}`"),
        },
        MatchBasis::Address { .. } => "the address".to_string(),
    };
    let country = match s.country_match {
        Some(true) => "; countries agree",
        Some(false) => "; countries differ",
        None => "",
    };
    let others = if s.other_matches > 0 {
        format!(
            "; {} more entr{} matched",
            s.other_matches,
            if s.other_matches == 1 { "y" } else { "ies" }
        )
    } else {
        String::new()
    };
    let mut lines = vec![
        format!(
            "{} `{}` matches {} entry {} `{}`{programs} ({listed}{ended})",
            s.role, s.party, s.list, s.entry_id, s.primary_name
        ),
        format!(
            "on {basis}, score {}; compared `{}` with `{}`{country}{others}",
            s.score, s.query_normalized, s.entry_normalized
        ),
    ];
    // One step is the basis named above; more say what raised, lowered or capped it.
    if s.score_steps.len() > 1 {
        let steps: Vec<String> = s
            .score_steps
            .iter()
            .map(|(kind, score)| format!("{} {score}", kind.words()))
            .collect();
        lines.push(format!("score steps: {}", steps.join("; ")));
    }
    if let MatchBasis::Address {
        party_address,
        listed_address,
        shared_by,
    } = &s.basis
    {
        lines.push(format!("party address `{party_address}`"));
        let shared = if *shared_by > 1 {
            format!(" (shared by {shared_by} listed entries)")
        } else {
            String::new()
        };
        lines.push(format!("listed address `{listed_address}`{shared}"));
    }
    if let Some(o) = &s.ownership {
        lines.extend(ownership_lines(o));
    }
    lines
}

/// The chain of owners of an entry listed through ownership, one line for the share and one
/// per link.
pub fn ownership_lines(o: &crate::screening::ownership::OwnedBy) -> Vec<String> {
    use crate::screening::ownership::{percent, Resolution};
    let how = match o.resolution {
        Resolution::Known => "by the percentages the list gives",
        Resolution::UnknownShare => {
            "only if holdings without a percentage are counted (they are: fail closed)"
        }
        Resolution::Circular => {
            "only through owners that own each other in a circle (counted: fail closed)"
        }
    };
    let mut lines = vec![format!(
        "not listed itself: {} % held by listed parties and entities they own {how} (OFAC 50 % rule)",
        percent(o.share)
    )];
    for l in &o.links {
        let share = l.share.map_or("an unknown share".to_string(), |s| {
            format!("{} %", percent(s))
        });
        let listed = if l.owner_listed { " (listed)" } else { "" };
        lines.push(format!(
            "owner {} `{}`{listed} holds {share} of {} `{}`",
            l.owner_id, l.owner_name, l.asset_id, l.asset_name
        ));
    }
    if o.cut {
        lines.push("chain cut here; the list holds more owners".to_string());
    }
    lines
}

/// The URL of a rule's reference if it may be a link: an absolute `http` or `https` URL with a
/// host, and no space, control, invisible or bidirectional character, quote or angle bracket.
/// Anything else (`javascript:`, `data:`, `file:`, a relative path) is only ever shown as
/// text: rule packs come from others too, and a report is opened in browsers and SARIF
/// viewers that follow links. Surrounding spaces are ignored.
pub fn web_url(url: &str) -> Option<&str> {
    let url = url.trim();
    let rest = ["https://", "http://"].iter().find_map(|scheme| {
        url.get(..scheme.len())
            .filter(|head| head.eq_ignore_ascii_case(scheme))
            .and_then(|_| url.get(scheme.len()..))
    })?;
    let has_host = rest
        .chars()
        .next()
        .is_some_and(|c| !matches!(c, '/' | '\\' | '?' | '#'));
    let clean = !url.chars().any(|c| {
        c.is_whitespace()
            || escape::is_hidden(c)
            || matches!(c, '"' | '\'' | '<' | '>' | '`' | '\\')
    });
    (has_host && clean).then_some(url)
}

/// The first twelve hex digits of a digest, for text meant for people.
pub(crate) fn short(digest: &str) -> &str {
    digest.get(..12).unwrap_or(digest)
}

/// `fired` or `undecided`.
pub(crate) fn kind_str(f: &Finding) -> &'static str {
    match f.kind {
        crate::findings::FindingKind::Fired => "fired",
        crate::findings::FindingKind::Undecided => "undecided",
    }
}

/// A finding's evidence on one line: each condition with its truth and the
/// first value it read, and the list row that value matched.
pub(crate) fn evidence_line(f: &Finding) -> String {
    f.conditions
        .iter()
        .map(|c| {
            let mut text = format!("{} {}", c.name, c.truth.as_str());
            if let Some(o) = c.observations.first() {
                match &o.seen {
                    Some(seen) => text.push_str(&format!(": {} = `{seen}`", o.path)),
                    None => text.push_str(&format!(": {} missing", o.path)),
                }
                if let Some(row) = &o.row {
                    text.push_str(&format!(" (matched {} line {})", row.list, row.line));
                }
                if let Some(s) = &o.screening {
                    text.push_str(&format!(
                        " (matched {} entry {} `{}`, score {})",
                        s.list, s.entry_id, s.primary_name, s.score
                    ));
                    if let MatchBasis::Address {
                        party_address,
                        listed_address,
                        ..
                    } = &s.basis
                    {
                        text.push_str(&format!(
                            " (address `{party_address}` against listed `{listed_address}`)"
                        ));
                    }
                    if let Some(own) = &s.ownership {
                        text.push_str(&format!(" ({})", ownership_lines(own).join("; ")));
                    }
                }
                if o.holds == Truth::Unknown {
                    if let Some(note) = &o.note {
                        text.push_str(&format!(" ({note})"));
                    }
                }
            }
            let others = c.observations.len().saturating_sub(1) + c.more;
            if others > 0 {
                text.push_str(&format!(" (+{others} more)"));
            }
            text
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A finding's references on one line: `cite <url>`, separated by ` | `.
pub(crate) fn references_line(f: &Finding) -> String {
    f.rule
        .references
        .iter()
        .map(|r| match &r.url {
            Some(url) => format!("{} <{url}>", r.cite),
            None => r.cite.clone(),
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The coverage matrix as a report section: each catalogue item with the rules that cover it.
pub fn coverage_section(m: &crate::coverage::CoverageMatrix) -> ReportSection {
    let t = m.totals();
    let mut rows = Vec::new();
    for group in &m.groups {
        for item in &group.items {
            let status = if let Some(why) = &item.out_of_scope {
                format!("out of scope: {why}")
            } else if item.is_gap() {
                "gap: no rule".to_string()
            } else {
                "covered".to_string()
            };
            rows.push(vec![
                group.id.clone(),
                item.id.clone(),
                item.title.clone(),
                item.rules.join(", "),
                status,
            ]);
        }
    }
    ReportSection {
        title: "Coverage of the red-flag catalogue".into(),
        note: Some(format!(
            "{} items: {} covered by a rule, {} gaps, {} out of scope for rules over orders.",
            t.items, t.covered, t.gaps, t.out_of_scope
        )),
        columns: ["group", "item", "title", "rules", "status"]
            .map(String::from)
            .to_vec(),
        rows,
    }
}

/// The waivers of a run as a report section, with what became of each (known once every
/// order has been judged).
pub fn waiver_section(w: &crate::waivers::Waivers, s: &Summary) -> ReportSection {
    let rows = w
        .waivers
        .iter()
        .map(|v| {
            let status = if s.waivers_expired.contains(&v.id) {
                "matched, not in force"
            } else if s.waivers_unused.contains(&v.id) {
                "matched nothing"
            } else {
                "applied"
            };
            let applies_to = match (&v.order, &v.party) {
                (Some(o), Some(p)) => format!("order {o}, party {p}"),
                (Some(o), None) => format!("order {o}"),
                (None, Some(p)) => format!("party {p}"),
                (None, None) => String::new(),
            };
            vec![
                v.id.clone(),
                v.rule.clone(),
                applies_to,
                v.reason.clone(),
                v.approver.clone(),
                format!("{} to {}", v.date, v.expires),
                status.to_string(),
            ]
        })
        .collect();
    ReportSection {
        title: "Waivers".into(),
        note: Some(format!(
            "{} findings waived (shown with their orders, counted, never hidden); file {} (sha256 {}).",
            s.waived,
            w.file,
            short(&w.digest)
        )),
        columns: ["waiver", "rule", "applies to", "reason", "approver", "in force", "status"]
            .map(String::from)
            .to_vec(),
        rows,
    }
}
