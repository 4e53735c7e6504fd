//! Prometheus metrics: requests by route and status, a latency histogram, verdicts, reloads,
//! the pack in force as an info metric, and what its rules and screening cost (from the
//! engine's profile, `check --profile`'s).

use std::sync::{Arc, Mutex, Weak};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use super::Shared;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VerdictLabels {
    verdict: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PackLabels {
    name: String,
    version: String,
    sha256: String,
    lists: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RuleLabels {
    rule: String,
}

type Seconds = Counter<f64, std::sync::atomic::AtomicU64>;

/// What the rules and screening cost, as counters: the engine's profile is a running total per
/// engine, so each scrape adds what it grew by since the last one (a reload starts a new
/// engine, and what the old one judged after the last scrape is not counted).
struct RuleCosts {
    seconds: Family<RuleLabels, Seconds>,
    findings: Family<RuleLabels, Counter>,
    screening_seconds: Seconds,
    screened_parties: Counter,
    /// The pack last read (weakly: a reloaded one is freed) and its engine's profile then.
    last: Mutex<Option<(Weak<super::loaded::Loaded>, crate::engine::Profile)>>,
}

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    verdicts: Family<VerdictLabels, Counter>,
    pack: Family<PackLabels, Gauge>,
    reloads: Family<OutcomeLabels, Counter>,
    rules: RuleCosts,
}

fn latency_histogram() -> Histogram {
    // 0.25 ms to about 4 s.
    Histogram::new(exponential_buckets(0.00025, 2.0, 15))
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

impl Metrics {
    /// Registers every metric.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("redflag");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: LatencyFamily = Family::new_with_constructor(latency_histogram);
        let verdicts = Family::<VerdictLabels, Counter>::default();
        let pack = Family::<PackLabels, Gauge>::default();
        let reloads = Family::<OutcomeLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request",
            latency.clone(),
        );
        registry.register("verdicts", "Orders judged, by verdict", verdicts.clone());
        registry.register(
            "pack_info",
            "The rule pack and lists in force (value 1)",
            pack.clone(),
        );
        registry.register(
            "reloads",
            "Reloads of the pack and lists, by outcome",
            reloads.clone(),
        );
        let rules = RuleCosts {
            seconds: Family::default(),
            findings: Family::default(),
            screening_seconds: Seconds::default(),
            screened_parties: Counter::default(),
            last: Mutex::new(None),
        };
        registry.register(
            "rule_seconds",
            "Time spent judging each rule (screening apart), summed over threads",
            rules.seconds.clone(),
        );
        registry.register(
            "rule_findings",
            "Findings each rule gave",
            rules.findings.clone(),
        );
        registry.register(
            "screening_seconds",
            "Time spent screening parties against the lists",
            rules.screening_seconds.clone(),
        );
        registry.register(
            "screened_parties",
            "Parties screened against the lists (each distinct party of an order once)",
            rules.screened_parties.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            verdicts,
            pack,
            reloads,
            rules,
        }
    }

    /// Adds what the rules of `loaded` cost since the last scrape.
    pub fn read_costs(&self, loaded: &Arc<super::loaded::Loaded>) {
        let Some(now) = loaded.engine.profile() else {
            return;
        };
        let costs = &self.rules;
        let mut last = costs.last.lock().unwrap_or_else(|p| p.into_inner());
        let before = match last.as_ref() {
            Some((engine, profile)) if Weak::ptr_eq(engine, &Arc::downgrade(loaded)) => {
                Some(profile)
            }
            _ => None,
        };
        let seconds = |nanos: u64| nanos as f64 / 1e9;
        for (index, rule) in now.rules.iter().enumerate() {
            let earlier = before.and_then(|b| b.rules.get(index));
            let (nanos, findings) = earlier.map_or((rule.nanos, rule.findings), |e| {
                (
                    rule.nanos.saturating_sub(e.nanos),
                    rule.findings.saturating_sub(e.findings),
                )
            });
            let labels = RuleLabels {
                rule: rule.rule_id.clone(),
            };
            costs.seconds.get_or_create(&labels).inc_by(seconds(nanos));
            costs.findings.get_or_create(&labels).inc_by(findings);
        }
        let screening = before.map_or(now.screening, |b| now.screening.since(b.screening));
        costs.screening_seconds.inc_by(seconds(screening.nanos));
        costs.screened_parties.inc_by(screening.parties);
        *last = Some((Arc::downgrade(loaded), now));
    }

    /// Counts a judged order.
    pub fn verdict(&self, verdict: &str) {
        self.verdicts
            .get_or_create(&VerdictLabels {
                verdict: verdict.to_string(),
            })
            .inc();
    }

    /// Names the pack in force (the previous one is dropped).
    pub fn set_pack(&self, loaded: &super::loaded::Loaded) {
        let pack = loaded.engine.pack();
        self.pack.clear();
        self.pack
            .get_or_create(&PackLabels {
                name: pack.name.clone(),
                version: pack.version.clone(),
                sha256: pack.digest.clone(),
                lists: loaded
                    .list_digests()
                    .iter()
                    .map(|(n, d)| format!("{n}:{d}"))
                    .collect::<Vec<_>>()
                    .join(","),
            })
            .set(1);
    }

    /// Counts a reload.
    pub fn reload(&self, ok: bool) {
        self.reloads
            .get_or_create(&OutcomeLabels {
                outcome: if ok { "ok" } else { "failed" }.into(),
            })
            .inc();
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

/// Middleware: counts and times every request by its route pattern (never the raw path, whose
/// order ids would make the label set grow without bound).
pub async fn track(State(app): State<Shared>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let method = request.method().to_string();
    let start = Instant::now();
    let response = next.run(request).await;
    app.metrics
        .latency
        .get_or_create(&RouteLabels {
            route: route.clone(),
        })
        .observe(start.elapsed().as_secs_f64());
    app.metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status: response.status().as_u16(),
        })
        .inc();
    response
}
