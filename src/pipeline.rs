//! A run, streamed: a reader thread turns inputs into batches of records, the judging pool
//! parses, judges and renders each batch in parallel, and the calling thread writes the
//! rendered judgements in input order and keeps the counts. When the reporter hands out a
//! renderer of its own, a judging thread feeds the pool, so the next batch is judged while
//! the last is written.
//!
//! Reading, judging and writing overlap, so both cores work and the single-threaded parts
//! (framing lines, writing bytes, counting) stay small. Memory is bounded: at most a few
//! batches are in flight. Output is the same for any thread count, because each batch is
//! collected in input order before it is written.

use std::io::{self, Write};
use std::sync::mpsc;

use rayon::prelude::*;

use crate::engine::Engine;
use crate::findings::{Judgement, Verdict};
use crate::order::{self, Record, RunIds};
use crate::report::{InputSummary, Reporter, RunInfo, Summary};
use crate::waivers::WaiverUse;

/// Records per batch: enough to keep every core busy, few enough that memory does not grow
/// with the input.
const BATCH: usize = 1024;

/// Most records one thread judges in a row without offering the rest of its share to another
/// thread (see `judge_on`).
const MAX_RUN: usize = 8;

/// Batches read ahead of the one being judged.
const READ_AHEAD: usize = 2;

/// One input of a run: its records (JSON Lines ones perhaps not yet parsed) and, when it was
/// opened with [`order::open_pending_digested`], the digest of its bytes.
pub struct Source {
    /// The records, in input order.
    pub records: order::PendingRecords,
    /// The digest, complete once the records are read.
    pub digest: Option<order::InputDigest>,
}

impl From<order::Records> for Source {
    fn from(records: order::Records) -> Source {
        Source {
            records: Box::new(records.map(order::Pending::Ready)),
            digest: None,
        }
    }
}

/// What the judging thread hands on to the writer.
enum Judging {
    /// Records of input `index`, judged (and rendered) in input order.
    Batch(usize, Vec<Judged>),
    /// Input `index` is read to its end.
    End(usize, Option<order::InputDigest>),
}

/// What the reader thread hands on.
enum Read {
    /// Records of input `index`.
    Batch(usize, Vec<order::Pending>),
    /// Input `index` is read to its end.
    End(usize, Option<order::InputDigest>),
}

impl Read {
    /// The same, its batch judged by `judge`.
    fn judged(self, judge: impl FnOnce(Vec<order::Pending>) -> Vec<Judged>) -> Judging {
        match self {
            Read::Batch(index, batch) => Judging::Batch(index, judge(batch)),
            Read::End(index, digest) => Judging::End(index, digest),
        }
    }
}

/// Judges one record; should judging fail for any internal reason (a defect of redflag), the
/// record is `error` with the reason, and the rest of the run goes on: no order is dropped, and
/// none passes as clear because redflag failed on it.
pub fn judge_or_error(engine: &Engine, record: &Record) -> Judgement {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| engine.judge(record))) {
        Ok(judgement) => judgement,
        Err(cause) => {
            let why = cause
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| cause.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let (origin, order_id) = match record {
                Record::Order(o) => (o.origin.clone(), Some(o.id.clone())),
                Record::Error(e) => (e.origin.clone(), e.order_id.clone()),
            };
            Judgement {
                origin,
                order_id,
                verdict: Verdict::Error,
                findings: Vec::new(),
                problems: vec![order::FieldProblem {
                    code: "J001",
                    path: String::new(),
                    column: None,
                    line: None,
                    message: format!(
                        "redflag failed while judging this order ({why}); it is a defect of redflag: please report it with the order"
                    ),
                }],
                waivers_lapsed: Vec::new(),
                context: None,
            }
        }
    }
}

/// Judges every record of every source in order and streams the report.
/// Sources pair with `run.inputs` by position.
pub fn run_check<S: Into<Source> + Send>(
    engine: &Engine,
    run: &RunInfo,
    sources: Vec<S>,
    pool: &rayon::ThreadPool,
    reporter: &mut dyn Reporter,
    out: &mut dyn Write,
) -> io::Result<Summary> {
    run_check_observed(engine, run, sources, pool, reporter, out, &mut |_| {})
}

/// [`run_check`], calling `observe` with the counts so far after each batch (for progress).
pub fn run_check_observed<S: Into<Source> + Send>(
    engine: &Engine,
    run: &RunInfo,
    sources: Vec<S>,
    pool: &rayon::ThreadPool,
    reporter: &mut dyn Reporter,
    out: &mut dyn Write,
    observe: &mut dyn FnMut(&Summary),
) -> io::Result<Summary> {
    let mut tally = Tally::new(run);
    reporter.begin(out, run)?;
    let renderer = reporter.renderer();
    std::thread::scope(|scope| -> io::Result<()> {
        let (send, receive) = mpsc::sync_channel::<Read>(READ_AHEAD);
        scope.spawn(move || read(sources, |read| send.send(read).is_ok()));
        // INVARIANT (deterministic output): par_iter + collect keeps input order, and batches
        // pass through the channels in order, so the report is the same for any thread count.
        if let Some(render) = &renderer {
            // The reporter renders without being borrowed: the next batch is judged and
            // rendered on the pool while this thread writes the last one.
            let (judged_send, judged_receive) = mpsc::sync_channel::<Judging>(1);
            scope.spawn(move || {
                for read in receive {
                    let next = read.judged(|batch| judge_on(pool, engine, render, batch));
                    if judged_send.send(next).is_err() {
                        return;
                    }
                }
            });
            for judging in judged_receive {
                tally.take(judging, reporter, out)?;
                observe(&tally.summary);
            }
            return Ok(());
        }
        for read in receive {
            let shared: &dyn Reporter = reporter;
            let render = |judgement: &Judgement| shared.render(judgement);
            let judging = read.judged(|batch| judge_on(pool, engine, &render, batch));
            tally.take(judging, reporter, out)?;
            observe(&tally.summary);
        }
        Ok(())
    })?;
    tally.finish(reporter, out)
}

/// [`run_check`] on the calling thread alone: no reader thread, no pool. For a few records
/// already in memory (one request to `redflag serve`), where handing them to other threads
/// costs more than judging them. The report is the same bytes as [`run_check`]'s.
pub fn run_check_inline<S: Into<Source>>(
    engine: &Engine,
    run: &RunInfo,
    sources: Vec<S>,
    reporter: &mut dyn Reporter,
    out: &mut dyn Write,
) -> io::Result<Summary> {
    let mut tally = Tally::new(run);
    reporter.begin(out, run)?;
    let mut failed = None;
    read(sources, |read| {
        let shared: &dyn Reporter = reporter;
        let render = |judgement: &Judgement| shared.render(judgement);
        let judging = read.judged(|batch| {
            batch
                .into_iter()
                .map(|pending| judge_pending(engine, &render, pending))
                .collect()
        });
        match tally.take(judging, reporter, out) {
            Ok(()) => true,
            Err(error) => {
                failed = Some(error);
                false
            }
        }
    });
    if let Some(error) = failed {
        return Err(error);
    }
    tally.finish(reporter, out)
}

/// One record judged: its judgement, its rendering when the reporter renders ahead, and
/// whether its id is still to be checked against earlier records of its own input (every id
/// is checked against the run's other inputs).
type Judged = (Judgement, Option<Vec<u8>>, bool);

/// How a judgement is rendered ahead of writing: [`Reporter::render`], or the reporter's
/// [`Reporter::renderer`].
type Render<'r> = dyn Fn(&Judgement) -> Option<Vec<u8>> + Sync + 'r;

/// A batch judged and rendered on the pool, in input order.
fn judge_on(
    pool: &rayon::ThreadPool,
    engine: &Engine,
    render: &Render<'_>,
    batch: Vec<order::Pending>,
) -> Vec<Judged> {
    // INVARIANT (deterministic output): par_iter + collect keeps input order.
    pool.install(|| {
        batch
            .into_par_iter()
            // Rayon splits a batch only as often as its threads steal, so a thread could be
            // left alone with a run of a hundred orders or more while the other idled until
            // the next batch: 2 to 3 ms of each 25 ms batch on two cores. Runs of a few
            // orders end the batch nearly together.
            .with_max_len(MAX_RUN)
            .map(|pending| judge_pending(engine, render, pending))
            .collect()
    })
}

fn judge_pending(engine: &Engine, render: &Render<'_>, pending: order::Pending) -> Judged {
    let unchecked = pending.id_unchecked();
    let mut judgement = judge_or_error(engine, &pending.parse());
    let rendered = render(&judgement);
    // Once rendered, the writer counts the judgement and writes the bytes; should its id
    // repeat an earlier one, it becomes an error, whose rendering has no findings.
    if rendered.is_some() {
        judgement.shed_evidence();
    }
    (judgement, rendered, unchecked)
}

/// The counts of a run as its batches are written, in input order.
struct Tally<'r> {
    run: &'r RunInfo<'r>,
    summary: Summary,
    used: WaiverUse,
    inputs: Vec<InputSummary>,
    /// The ids of every input so far: an id is one order in the whole run, so that a waiver
    /// or a decision for `SO-1` of one input cannot be taken for another input's `SO-1`.
    ids: RunIds,
}

impl<'r> Tally<'r> {
    fn new(run: &'r RunInfo<'r>) -> Tally<'r> {
        Tally {
            run,
            summary: Summary::default(),
            used: WaiverUse::default(),
            inputs: Vec::new(),
            ids: RunIds::default(),
        }
    }

    fn input(&mut self, index: usize) -> &mut InputSummary {
        while self.inputs.len() <= index {
            self.inputs.push(InputSummary {
                file: self
                    .run
                    .inputs
                    .get(self.inputs.len())
                    .cloned()
                    .unwrap_or_default(),
                ..InputSummary::default()
            });
        }
        &mut self.inputs[index]
    }

    /// Counts and writes one batch of input `index`.
    fn batch(
        &mut self,
        index: usize,
        judged: Vec<Judged>,
        reporter: &mut dyn Reporter,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        self.input(index).records += judged.len();
        for (mut judgement, mut rendered, unchecked) in judged {
            // Ids are checked here, in input order: against every earlier input's, and for
            // records parsed on the pool against their own input's too (the other readers
            // check an input's ids themselves). A later record with an earlier record's id is
            // an error.
            if self.repeated(index, !unchecked, &mut judgement) {
                rendered = reporter.render(&judgement);
            }
            self.used.record(&judgement);
            self.summary.add(&judgement, self.run.fail_on);
            let latest = judgement.context.as_ref().and_then(|c| c.latest_date);
            if let (Some(as_of), Some(latest)) = (self.run.as_of, latest) {
                if latest > as_of {
                    self.summary.dated_after_as_of += 1;
                }
            }
            match rendered {
                Some(bytes) => reporter.write_rendered(out, &bytes)?,
                None => reporter.judgement(out, &judgement)?,
            }
        }
        Ok(())
    }

    /// Counts and writes what judging handed on.
    fn take(
        &mut self,
        judging: Judging,
        reporter: &mut dyn Reporter,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        match judging {
            Judging::Batch(index, judged) => self.batch(index, judged, reporter, out),
            Judging::End(index, digest) => {
                self.end(index, digest);
                Ok(())
            }
        }
    }

    /// Input `index` is read to its end.
    fn end(&mut self, index: usize, digest: Option<order::InputDigest>) {
        let input = self.input(index);
        if let Some(hash) = digest.and_then(|d| d.result()) {
            input.sha256 = Some(hash.sha256);
            input.bytes = Some(hash.bytes);
        }
    }

    fn finish(mut self, reporter: &mut dyn Reporter, out: &mut dyn Write) -> io::Result<Summary> {
        self.summary.inputs = self.inputs;
        if let Some(waivers) = self.run.waiver_file {
            self.summary.waivers_expired = self.used.expired.iter().cloned().collect();
            self.summary.waivers_unused = self
                .used
                .unused(waivers)
                .iter()
                .map(|w| w.id.clone())
                .collect();
        }
        reporter.finish(out, self.run, &self.summary)?;
        out.flush()?;
        Ok(self.summary)
    }
}

impl Tally<'_> {
    /// Makes `judgement`, of input `index`, an error when its id repeats an earlier record's
    /// of an earlier input, or of the same input when its reader did not check that
    /// (`checked`); true when it did.
    fn repeated(&mut self, index: usize, checked: bool, judgement: &mut Judgement) -> bool {
        let Some(id) = judgement.order_id.as_deref() else {
            return false;
        };
        let line = judgement.origin.line;
        let Some(problem) = self.ids.problem(id, index, line, &self.run.inputs, checked) else {
            return false;
        };
        if judgement.verdict != Verdict::Error {
            // As the readers make it (`RepeatedIds`): an error record, not a judged order, so
            // no findings and no context, and `check` and `serve` write it alike.
            judgement.verdict = Verdict::Error;
            judgement.findings.clear();
            judgement.problems.clear();
            judgement.waivers_lapsed.clear();
            judgement.context = None;
        }
        judgement.problems.push(problem);
        true
    }
}

/// Frames each source into batches and hands them to `send` (the reader thread's channel, or
/// the inline run's judging), in input order. It stops when `send` says no more (the writer
/// stopped listening: an output error ends the run).
fn read<S: Into<Source>>(sources: Vec<S>, mut send: impl FnMut(Read) -> bool) {
    for (index, source) in sources.into_iter().enumerate() {
        let Source {
            records: mut pending,
            digest,
        } = source.into();
        loop {
            let batch: Vec<order::Pending> = pending.by_ref().take(BATCH).collect();
            if batch.is_empty() {
                break;
            }
            if !send(Read::Batch(index, batch)) {
                return;
            }
        }
        if !send(Read::End(index, digest)) {
            return;
        }
    }
}
