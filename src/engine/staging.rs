//! Staged evaluation for `judge`: each condition is evaluated once per set of the variables it
//! reads, once they are bound and only when the rule's expression asks for it, and a subtree of
//! bindings whose outcome is already false is not walked.
//!
//! Sound because Kleene's logic is monotone in knowledge: if the rule's expression is false
//! with every condition not yet evaluated taken as unknown, it is false whatever those
//! conditions turn out to be. Nothing of a false combination reaches a finding (its evidence is
//! never built), so skipping it changes no output; its combinations are still counted against
//! the limit, so a rule overflows on exactly the orders it did before (and need not be counted
//! when the order's lists are too short for the rule to reach the limit: `Walk::for_order`).
//! For the same reason a condition the expression does not ask for (`a` is false in `a and
//! b`) is not evaluated, in a combination that is not false either: it is visited with its
//! expression's truth (which the conditions asked for decide, as Kleene's logic does not depend
//! on the others), its escalations ask for the conditions they read, and a finding and the
//! waivers tested on it evaluate every condition again with evidence, so each sees what it saw
//! when every condition was evaluated. A condition left out this way in a false combination
//! matched no row that came into force after the shipment, so it cannot have asked for the
//! lookback pass; a combination that is not false makes a finding, which needs no such pass.
//! That pass (`RowDates::include_later`), which names the first
//! later row matched, evaluates every condition of a depth as it is reached. `trace` walks
//! every combination with full evidence and does not use this.
use smallvec::SmallVec;

use super::*;

/// When each condition of a rule can be evaluated.
#[derive(Debug, Clone)]
pub(super) struct Stages {
    /// `by_depth[d]`: the conditions that read variables `0..d` at most (and the order), in
    /// evaluation order. `by_depth[0]` reads the order only.
    by_depth: Vec<Vec<usize>>,
    /// Per condition, its depth.
    depth: Vec<usize>,
    /// Per condition, the conditions whose matched rows it reads, evaluated before it.
    sources: Vec<Vec<usize>>,
}

impl Stages {
    /// Condition `i`'s depth: the number of variables it waits for (0: the order only).
    pub(super) fn depth_of(&self, i: usize) -> Option<usize> {
        self.depth.get(i).copied()
    }

    /// `None` when a condition reads the matched row of one evaluated after it (a cycle the
    /// validator lets through): such a rule keeps evaluating every condition per combination,
    /// so the reader sees "not evaluated" exactly as before.
    pub(super) fn of(rule: &Rule, order: &[usize]) -> Option<Stages> {
        let bindings = rule.bindings.len();
        let mut position = vec![usize::MAX; rule.conditions.len()];
        for (p, &i) in order.iter().enumerate() {
            *position.get_mut(i)? = p;
        }
        let mut depth = vec![0usize; rule.conditions.len()];
        let mut sources = vec![Vec::new(); rule.conditions.len()];
        for &i in order {
            let condition = rule.conditions.get(i)?;
            let mut d = 0;
            for target in targets(condition) {
                let need = match target {
                    Target::Path(p) => match p.base {
                        Base::Order => 0,
                        Base::Var(v) => v.checked_add(1)?,
                    },
                    Target::Row {
                        condition: source, ..
                    } => {
                        if *position.get(*source)? >= position[i] {
                            return None;
                        }
                        sources.get_mut(i)?.push(*source);
                        depth[*source]
                    }
                };
                d = d.max(need);
            }
            if d > bindings {
                return None;
            }
            depth[i] = d;
        }
        let mut by_depth = vec![Vec::new(); bindings + 1];
        for &i in order {
            by_depth[depth[i]].push(i);
        }
        Some(Stages {
            by_depth,
            depth,
            sources,
        })
    }
}

/// The conditions of `rule` in the order they are evaluated: each after the conditions whose
/// matched rows it reads, otherwise as written.
pub(super) fn evaluation_order(rule: &Rule) -> Vec<usize> {
    fn deps(c: &Condition) -> Vec<usize> {
        targets(c)
            .into_iter()
            .filter_map(|t| match t {
                Target::Row { condition, .. } => Some(*condition),
                Target::Path(_) => None,
            })
            .collect()
    }
    fn visit(rule: &Rule, i: usize, state: &mut Vec<u8>, out: &mut Vec<usize>) {
        if state[i] != 0 {
            return; // done, or a cycle: the reader then sees "not evaluated" (unknown)
        }
        state[i] = 1;
        for d in deps(&rule.conditions[i]) {
            visit(rule, d, state, out);
        }
        state[i] = 2;
        out.push(i);
    }
    let mut state = vec![0; rule.conditions.len()];
    let mut out = Vec::new();
    for i in 0..rule.conditions.len() {
        visit(rule, i, &mut state, &mut out);
    }
    out
}

/// Every target a condition reads: its own, and those of its operator. Exhaustive on purpose:
/// an operator that gains a target must be staged by it.
pub(super) fn targets(c: &Condition) -> Vec<&Target> {
    let mut out = vec![&c.target];
    match &c.op {
        Op::Compare { operand, .. } => match operand {
            Operand::Field(t) => out.push(t),
            Operand::Literal(_) => {}
        },
        Op::InField { field } | Op::Within { field, .. } => out.push(field),
        Op::InList { also, .. } => out.extend(also.iter().map(|(_, t)| t)),
        Op::In { .. }
        | Op::Matches { .. }
        | Op::MatchesList { .. }
        | Op::ContainsAny { .. }
        | Op::StartsWith { .. }
        | Op::Exists
        | Op::Missing
        | Op::Blank
        | Op::Count { .. }
        | Op::Sum { .. }
        | Op::IsTrue
        | Op::IsFalse
        | Op::Screen(_)
        | Op::InvalidId => {}
    }
    out
}

/// The state of one staged walk: outcomes of the conditions evaluated for the current bindings.
pub(super) struct Staged<'s, 'o> {
    pub(super) stages: &'s Stages,
    pub(super) expected: &'s [Arc<str>],
    /// Per condition, how its outcome is shared within the order (`memo`).
    pub(super) shared: &'s [Option<Shared>],
    /// The order's kept outcomes, shared by every rule's walk.
    pub(super) memo: &'s mut Memo,
    /// The class of the rule's first binding's sources (`memo::first_bindings`), if shared.
    pub(super) first_class: Option<u32>,
    /// The order's elements of first bindings, shared by every rule's walk.
    pub(super) first: &'s mut FirstElements<'o>,
    /// Per condition (there may be more slots than the rule has conditions), its outcome for
    /// the current bindings where `done` says so; any other slot holds a stale outcome.
    pub(super) outcomes: &'s mut Vec<Outcome>,
    pub(super) done: &'s mut Vec<bool>,
    /// Per depth, the elements its binding takes (emptied after each walk over them).
    pub(super) elements: &'s mut Vec<Vec<Bound<'o>>>,
    /// The order's conditions evaluated so far, for the profile.
    pub(super) counts: &'s mut Counts,
    /// Which of the order's objects are equal, as far as asked.
    pub(super) twins: &'s mut Twins,
    /// The rule's bit in the memo of what rules came to nothing on elements read alike, when
    /// it is remembered there and the run uses the memo (`element_memo`).
    pub(super) remembered: Option<(&'s Remembered, &'s ElementRules, &'s mut ElementMemo)>,
}

/// The vectors the staged walks of one order reuse from rule to rule, instead of allocating
/// outcomes, flags, bound variables and elements afresh for each of the pack's rules.
#[derive(Default)]
pub(super) struct Scratch<'o> {
    outcomes: Vec<Outcome>,
    done: Vec<bool>,
    vars: Vec<Bound<'o>>,
    elements: Vec<Vec<Bound<'o>>>,
    memo: Memo,
    first: FirstElements<'o>,
    twins: Twins,
    /// The order's conditions evaluated so far, for the profile (counted whether or not a
    /// profile is kept: an addition per evaluation).
    pub(super) counts: Counts,
    /// What rules came to nothing on elements read alike, across orders (`element_memo`);
    /// `None` in a run that keeps a profile.
    pub(super) elements_read: Option<ElementMemo>,
    /// The elements of a binding not shared by class, asked of `elements_read`.
    probe: Vec<Bound<'o>>,
}

impl<'o> Scratch<'o> {
    /// The scratch of one order, sharing condition outcomes through `memo` (empty).
    pub(super) fn with_memo(memo: Memo) -> Scratch<'o> {
        Scratch {
            memo,
            ..Scratch::default()
        }
    }

    /// The memo, for the next order's room, and the memo of elements read, for the next
    /// order judged on this thread.
    pub(super) fn into_memo(self) -> Memo {
        if let Some(read) = self.elements_read {
            read.done_with();
        }
        self.memo
    }

    /// A walk's state for a rule of `conditions` conditions, each not evaluated yet, borrowing
    /// the scratch's vectors (moving them out and back cost more than the walk of a rule that
    /// finds nothing), and the variables' vector, empty, for the walk's `Cx`; it comes back
    /// through [`Scratch::give_back`].
    pub(super) fn take<'s>(
        &'s mut self,
        stages: &'s Stages,
        expected: &'s [Arc<str>],
        shared: &'s [Option<Shared>],
        first_class: Option<u32>,
        conditions: usize,
        remembered: Option<(&'s Remembered, &'s ElementRules)>,
    ) -> (Staged<'s, 'o>, Vec<Bound<'o>>) {
        // An outcome is read only once its condition is done for the current bindings (as
        // within a walk, where a condition's flag is cleared for each new element), so what an
        // earlier rule left in a slot is never read and need not be cleared.
        if self.outcomes.len() < conditions {
            self.outcomes.resize_with(conditions, Outcome::default);
        }
        self.done.clear();
        self.done.resize(conditions, false);
        let mut vars = std::mem::take(&mut self.vars);
        vars.clear();
        let staged = Staged {
            stages,
            expected,
            shared,
            memo: &mut self.memo,
            first_class,
            first: &mut self.first,
            outcomes: &mut self.outcomes,
            done: &mut self.done,
            elements: &mut self.elements,
            counts: &mut self.counts,
            twins: &mut self.twins,
            remembered: remembered
                .zip(self.elements_read.as_mut())
                .map(|((remembered, rules), memo)| (remembered, rules, memo)),
        };
        (staged, vars)
    }

    /// Whether the memo of elements read (`element_memo`) knows that the rule remembered as
    /// `remembered`, whose first binding is `binding`, comes to nothing on every element that
    /// binding takes in this order, so that it need not be walked. The caller asks only where a walk
    /// would skip such elements: not in a walk that counts its combinations against the
    /// limit, nor in the lookback pass.
    pub(super) fn came_to_nothing_on_all(
        &mut self,
        cx: &Cx<'o, '_>,
        binding: &'o Binding,
        first_class: Option<u32>,
        remembered: &Remembered,
        rules: &ElementRules,
    ) -> bool {
        let Some(memo) = self.elements_read.as_mut() else {
            return false;
        };
        let elements = match first_class {
            Some(class) => self.first.elements(class, cx, binding),
            None => {
                self.probe.clear();
                cx.elements_into(binding, &mut self.probe);
                &self.probe
            }
        };
        elements
            .iter()
            .all(|bound| memo.ask(bound.value, remembered, rules) == Known::CameToNothing)
    }

    /// Keeps the variables' vector of a finished walk for the next rule.
    pub(super) fn give_back(&mut self, vars: Vec<Bound<'o>>) {
        self.vars = vars;
    }
}

/// A condition's truth in the combination visited, by index, evaluated when first asked for.
pub(super) type Leaf<'a> = &'a mut dyn FnMut(usize) -> Truth;

/// Walks the bindings of `rule` as [`bind`] does, evaluating a condition once its variables are
/// bound and the expression asks for it, and calls `visit` with every combination that is not
/// false, its expression's truth and the truth of any condition asked for (evaluated then,
/// without evidence, if the expression did not ask for it). A false combination is counted but
/// not visited. Conditions not asked for still hold what they said of an earlier combination,
/// so nothing reads the outcomes directly.
pub(super) fn bind_staged<'o>(
    rule: &'o Rule,
    depth: usize,
    cx: &mut Cx<'o, '_>,
    staged: &mut Staged<'_, 'o>,
    visit: &mut dyn FnMut(&Cx<'o, '_>, Truth, Leaf),
    walk: &mut Walk,
) {
    if walk.overflow {
        return;
    }
    // The conditions of this depth read the variable just bound: what they said of the one
    // before it no longer holds.
    let stages = staged.stages;
    let here = stages.by_depth.get(depth).map(Vec::as_slice).unwrap_or(&[]);
    for &i in here {
        if let Some(flag) = staged.done.get_mut(i) {
            *flag = false;
        }
    }
    // The lookback pass names the first later row any condition matched, so it evaluates
    // every condition as before, in evaluation order, not only those the expression asks for.
    if cx.rows.include_later() {
        for &i in here {
            ensure(rule, i, cx, staged);
        }
    }
    let Some(binding) = rule.bindings.get(depth) else {
        walk.count = walk.count.saturating_add(1);
        if walk.count > walk.limit {
            walk.overflow = true;
            return;
        }
        let truth = settle(rule, depth, cx, staged);
        if truth == Truth::False {
            return;
        }
        walk.visited = walk.visited.saturating_add(1);
        let cx: &Cx = cx;
        visit(cx, truth, &mut |i| asked(rule, i, depth, cx, staged));
        return;
    };
    // With nothing evaluated at this depth the expression is as settled as at the one above,
    // which was not false, or this walk would not be here.
    if !here.is_empty() && ruled_out(rule, depth, cx, staged) {
        walk.ruled_out_first |= depth == 1;
        if walk.limit != usize::MAX {
            let leaves = count_leaves(rule, depth, cx, walk.limit.saturating_sub(walk.count));
            walk.count = walk.count.saturating_add(leaves);
            walk.overflow = walk.count > walk.limit;
        }
        return;
    }
    if staged.elements.len() <= depth {
        staged.elements.resize_with(depth + 1, Vec::new);
    }
    let mut elements = std::mem::take(&mut staged.elements[depth]);
    elements.clear();
    match staged.first_class.filter(|_| depth == 0) {
        Some(class) => staged
            .first
            .elements_into(class, cx, binding, &mut elements),
        None => cx.elements_into(binding, &mut elements),
    }
    // An object equal to one taken through another source path whose walk came to nothing
    // (the end user who is the buyer) comes to nothing too, and is not walked: see `Twins`.
    // Not in a walk that counts its combinations against the limit, nor in the lookback pass,
    // which names the first later row it meets.
    let skip_twins = walk.limit == usize::MAX && !cx.rows.include_later();
    // Likewise an element read as one that came to nothing in an earlier order: see
    // `element_memo`. Rules are remembered by their first variable, bound here.
    let remember = skip_twins && depth == 0;
    let mut came_to_nothing: SmallVec<[(&'o Value, usize); MAX_NOTHING]> = SmallVec::new();
    for bound in elements.drain(..) {
        let object = matches!(bound.value, Value::Map(_)).then(|| (bound.value, bound.source_id()));
        if let Some((value, source)) = object.filter(|_| skip_twins) {
            if came_to_nothing
                .iter()
                .any(|&(seen, from)| from != source && staged.twins.equal(seen, value))
            {
                continue;
            }
        }
        let element = bound.value;
        let mut reading = None;
        if let Some((remembered, rules, memo)) = staged.remembered.as_mut().filter(|_| remember) {
            match memo.ask(element, remembered, rules) {
                Known::CameToNothing => continue,
                Known::Walk(id) => reading = id,
            }
        }
        let visited = walk.visited;
        walk.ruled_out_first = false;
        cx.vars.push(bound);
        bind_staged(rule, depth + 1, cx, staged, visit, walk);
        cx.vars.pop();
        if walk.overflow {
            break;
        }
        if let (Some(id), Some((remembered, _, memo))) = (reading, staged.remembered.as_mut()) {
            // A rule of one variable comes to nothing on the element when nothing was
            // visited; one of more, only when the first variable's own conditions ruled it
            // out, since the elements of the others differ from order to order.
            let nothing = match rule.bindings.len() == 1 {
                true => walk.visited == visited,
                false => walk.ruled_out_first,
            };
            if nothing {
                memo.note_nothing(id, element, remembered, cx.engine);
            }
        }
        if walk.visited != visited {
            continue;
        }
        if let Some(object) = object.filter(|_| skip_twins) {
            if came_to_nothing.len() < MAX_NOTHING {
                came_to_nothing.push(object);
            }
        }
    }
    if let Some(slot) = staged.elements.get_mut(depth) {
        *slot = elements;
    }
}

/// The most elements of one binding whose walks came to nothing that a later element is
/// compared with.
const MAX_NOTHING: usize = 8;

/// Which objects of an order are equal, by address, as far as asked: the pairs compared, so
/// that the rules after the first that asks (every rule over the order's places asks whether
/// the end user is the buyer) look the answer up instead of comparing again.
///
/// Skipping an object equal to one that came to nothing is sound because a condition's
/// outcome depends only on the values its paths reach from its bases (and the order, its
/// dates, the pack's lists and rates, the screening of its parties): inside an object, every
/// value and the object holding it (the `currency` beside an amount) are the same in its
/// twin, so every combination through the twin has the truth the same combination through the
/// first had: false. Objects are compared as written (`Value::is_identical`: numbers of the
/// same scale too), not only as equal. A false combination is never visited, builds no
/// evidence and is not counted unless the walk counts against the limit; its one effect,
/// noting a later row left out, the first already noted. A scalar element is not skipped: its
/// meaning may lie in the object holding it (an amount's currency), outside what is compared.
/// Elements of one source path are not compared (two equal consignees are rare, and a
/// thousand items are not compared with one another on every walk).
#[derive(Default)]
pub(super) struct Twins {
    pairs: Vec<(usize, usize, bool)>,
}

impl Twins {
    fn equal(&mut self, a: &Value, b: &Value) -> bool {
        let key = {
            let (a, b) = (a as *const Value as usize, b as *const Value as usize);
            (a.min(b), a.max(b))
        };
        if let Some(&(_, _, equal)) = self.pairs.iter().find(|p| (p.0, p.1) == key) {
            return equal;
        }
        let equal = a == b && a.is_identical(b);
        // An order of many parties is compared without remembering past the first pairs.
        if self.pairs.len() < 64 {
            self.pairs.push((key.0, key.1, equal));
        }
        equal
    }
}

/// The rule's expression with the variables up to `depth` bound: each condition they allow is
/// evaluated when the expression asks for it (at most once per binding of its variables), the
/// others are unknown.
fn settle(rule: &Rule, depth: usize, cx: &Cx, staged: &mut Staged) -> Truth {
    kleene(&rule.condition, &mut |i| asked(rule, i, depth, cx, staged))
}

/// Condition `i`'s truth with the variables up to `depth` bound, evaluated if it was not yet;
/// unknown when it reads a variable bound deeper.
fn asked(rule: &Rule, i: usize, depth: usize, cx: &Cx, staged: &mut Staged) -> Truth {
    if staged.stages.depth.get(i).is_none_or(|&d| d > depth) {
        return Truth::Unknown;
    }
    ensure(rule, i, cx, staged);
    staged.outcomes.get(i).map_or(Truth::Unknown, |o| o.truth)
}

/// True when the rule's expression is false with the variables up to `depth` bound, whatever the
/// conditions of deeper variables say: what `settle` finds false, asking for fewer conditions.
/// Below the last variable only falsehood prunes, so a part of the expression is asked only
/// what could make the whole false (`a or b` that it is false, which `a` alone denies when it
/// is not false), where `settle` works out each part's value in full.
fn ruled_out(rule: &Rule, depth: usize, cx: &Cx, staged: &mut Staged) -> bool {
    is_surely(&rule.condition, Truth::False, &mut |i| {
        asked(rule, i, depth, cx, staged)
    })
}

/// True when `expr` is `wanted` (true or false) in Kleene's logic, given each leaf's truth,
/// asking `leaf` only until the answer is known: `and` is false when a member is and true
/// when all are, `or` the other way round, `not` flips.
fn is_surely(expr: &Expr, wanted: Truth, leaf: &mut dyn FnMut(usize) -> Truth) -> bool {
    match expr {
        Expr::Leaf(i) => leaf(*i) == wanted,
        Expr::Not(inner) => is_surely(inner, wanted.negate(), leaf),
        Expr::And(items) if wanted == Truth::False => {
            items.iter().any(|item| is_surely(item, wanted, leaf))
        }
        Expr::Or(items) if wanted == Truth::True => {
            items.iter().any(|item| is_surely(item, wanted, leaf))
        }
        Expr::And(items) | Expr::Or(items) => {
            items.iter().all(|item| is_surely(item, wanted, leaf))
        }
    }
}

/// Evaluates condition `i` unless it is done for the current bindings, after the conditions
/// whose rows it reads (which `Stages::of` put at its depth or above, and before it).
fn ensure(rule: &Rule, i: usize, cx: &Cx, staged: &mut Staged) {
    if staged.done.get(i).is_none_or(|&done| done) {
        return;
    }
    let stages = staged.stages;
    for &source in stages.sources.get(i).map(Vec::as_slice).unwrap_or(&[]) {
        ensure(rule, source, cx, staged);
    }
    if let Some(Some(shared)) = staged.shared.get(i).filter(|_| cx.rows.shares()) {
        evaluate_shared(
            rule,
            i,
            shared,
            staged.expected,
            cx,
            staged.outcomes,
            staged.done,
            staged.memo,
            staged.counts,
        );
        return;
    }
    staged.counts.evaluated = staged.counts.evaluated.saturating_add(1);
    evaluate_into(
        rule,
        i,
        staged.expected,
        cx,
        staged.outcomes,
        staged.done,
        false,
    );
}

/// The number of combinations below the current bindings, counting no further than just past
/// `budget` (enough to tell that the limit is passed).
fn count_leaves<'o>(rule: &'o Rule, depth: usize, cx: &mut Cx<'o, '_>, budget: usize) -> usize {
    let Some(binding) = rule.bindings.get(depth) else {
        return 1;
    };
    if rule.bindings.len() == depth + 1 {
        return cx.count_elements(binding);
    }
    let elements = cx.elements(binding);
    let mut total: usize = 0;
    for bound in elements {
        cx.vars.push(bound);
        total = total.saturating_add(count_leaves(
            rule,
            depth + 1,
            cx,
            budget.saturating_sub(total),
        ));
        cx.vars.pop();
        if total > budget {
            break;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn expr() -> impl Strategy<Value = Expr> {
        (0usize..6)
            .prop_map(Expr::Leaf)
            .prop_recursive(4, 32, 4, |inner| {
                prop_oneof![
                    inner.clone().prop_map(|e| Expr::Not(Box::new(e))),
                    prop::collection::vec(inner.clone(), 1..4).prop_map(Expr::And),
                    prop::collection::vec(inner, 1..4).prop_map(Expr::Or),
                ]
            })
    }

    fn truth() -> impl Strategy<Value = Truth> {
        prop_oneof![Just(Truth::True), Just(Truth::False), Just(Truth::Unknown)]
    }

    proptest! {
        /// Pruning asks fewer conditions than `kleene`, and must find exactly what it finds:
        /// a false expression pruned, a true one visited.
        #[test]
        fn is_surely_agrees_with_kleene(e in expr(), leaves in prop::collection::vec(truth(), 6)) {
            let mut leaf = |i: usize| leaves[i];
            let value = kleene(&e, &mut leaf);
            prop_assert_eq!(is_surely(&e, Truth::False, &mut leaf), value == Truth::False);
            prop_assert_eq!(is_surely(&e, Truth::True, &mut leaf), value == Truth::True);
        }
    }
}
