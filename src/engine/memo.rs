//! Condition outcomes shared within one order: a condition that asks what another (of this or
//! another rule) already asked of the same values is not evaluated again.
//!
//! Rules of the default pack ask the same things of the same parts of an order (`place.country`
//! against `seller.country` in the border, destination and re-export rules; the screening rules
//! of one party), and a staged walk asks a condition of an inner variable again for every
//! element of the variables outside it. Two conditions are of one *class* when they test the
//! same paths from the same kinds of base with the same operator, operands, quantifier and
//! `if_missing`; within one order, a class asked of the same base values (the order, or the
//! elements the variables it reads are bound to, by address) has one outcome.
//!
//! Only the outcome staged judging keeps is shared: its truth and the list rows it matched (its
//! evidence is empty). Sound because such an outcome depends on nothing else: the values its
//! paths reach from those bases (and their parents, inside them), the pack's lists and rates,
//! the order's dates and the screening of the order's parties. Its one effect beyond the
//! outcome, noting that a list row in force only after the shipment was left out (which asks
//! for the lookback pass), is kept with it and repeated on every use. The lookback pass itself,
//! which names the first later row matched, evaluates every condition afresh, as do the
//! evaluations with evidence and `trace`. A condition that reads another's matched row
//! (`@name.column`) depends on that rule's own conditions and is never shared.

use smallvec::SmallVec;

use super::*;

/// The most base values a shared condition may read (its target and its operand's targets).
const MAX_BASES: usize = 3;

/// A condition whose outcome is kept: its class and the bases of its paths.
#[derive(Debug, Clone)]
pub(super) struct Shared {
    class: u32,
    bases: SmallVec<[Base; MAX_BASES]>,
}

/// Per condition of each rule (in the pack's order of rules), how its outcome is kept: when its
/// class is asked by another condition of the pack, or it may be asked again by its own rule
/// (it does not read every variable bound before the last one it reads). `None` otherwise: a
/// condition asked once per order and values gains nothing from a look-up.
pub(super) fn classes(pack: &RulePack) -> Vec<Vec<Option<Shared>>> {
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut counts: Vec<usize> = Vec::new();
    let mut keyed: Vec<Vec<Option<Shared>>> = Vec::new();
    for rule in &pack.rules {
        let mut of_rule = Vec::new();
        for c in &rule.conditions {
            let shared = bases(c).and_then(|bases| {
                let fresh = u32::try_from(counts.len()).ok()?;
                let class = match class_key(c) {
                    Some(key) => *ids.entry(key).or_insert(fresh),
                    // A class of its own, kept only for its own rule's repeats.
                    None => fresh,
                };
                if class == fresh {
                    counts.push(0);
                }
                *counts.get_mut(class as usize)? += 1;
                Some(Shared { class, bases })
            });
            of_rule.push(shared);
        }
        keyed.push(of_rule);
    }
    for (rule, of_rule) in pack.rules.iter().zip(&mut keyed) {
        for (c, shared) in rule.conditions.iter().zip(of_rule.iter_mut()) {
            let keep = shared.as_ref().is_some_and(|s| {
                counts.get(s.class as usize).is_some_and(|&n| n > 1) || asked_again(c)
            });
            if !keep {
                *shared = None;
            }
        }
    }
    keyed
}

/// True when the staged walk may ask `c` again of the same values: it reads a variable but not
/// every variable bound before the last one it reads, so it is asked once per element of those.
fn asked_again(c: &Condition) -> bool {
    let mut read: u64 = 0;
    let mut deepest = None;
    for base in bases(c).into_iter().flatten() {
        if let Base::Var(v) = base {
            if v >= 64 {
                return false;
            }
            read |= 1 << v;
            deepest = deepest.max(Some(v));
        }
    }
    deepest.is_some_and(|d| read != (1u64 << (d + 1)) - 1)
}

/// The bases of a condition's paths, in the order `key` reads them; `None` when a target is a
/// matched row (never shared) or there are more than [`MAX_BASES`].
fn bases(c: &Condition) -> Option<SmallVec<[Base; MAX_BASES]>> {
    let mut out = SmallVec::new();
    for target in super::staging::targets(c) {
        match target {
            Target::Path(p) => out.push(p.base),
            Target::Row { .. } => return None,
        }
    }
    (out.len() <= MAX_BASES).then_some(out)
}

/// What makes two conditions one class, in words; `None` for a condition never shared.
fn class_key(c: &Condition) -> Option<String> {
    bases(c)?;
    let path = |t: &Target| match t {
        Target::Path(p) => Some(format!(
            "{}:{}:{:?}",
            match p.base {
                Base::Order => "order",
                Base::Var(_) => "var",
            },
            p.path,
            p.shape
        )),
        Target::Row { .. } => None,
    };
    // Whether a regex ignores case is not in its text: a `matches` condition is a class of
    // its own.
    if matches!(c.op, Op::Matches { .. }) {
        return None;
    }
    let op = c.op.describe(&path)?;
    Some(format!(
        "{} {op} {:?} {:?}",
        path(&c.target)?,
        c.quantifier,
        c.if_missing
    ))
}

/// What one order's conditions said, by class and base values. Indexed by class rather than
/// hashed: a class is asked of a few base values per order, so a short scan of them beats
/// hashing the key, and the vectors keep their room from order to order (`Memo::clear`).
/// A class asked of more than [`SCAN_LIMIT`] base values (an order of hundreds of items and
/// stops: one condition over item and place is asked of every pair) is looked up by hash
/// instead: scanning made such an order quadratic, and 1,100 items by 1,001 stops ran for
/// hours, which a gate with a timeout may read as a pass.
#[derive(Debug, Default)]
pub(super) struct Memo {
    by_class: Vec<ClassMemo>,
    /// The classes holding outcomes, emptied by `clear`.
    touched: Vec<u32>,
}

/// The outcomes of one class, in the order they were kept, and their positions by base values
/// once there are more than [`SCAN_LIMIT`].
#[derive(Debug, Default)]
struct ClassMemo {
    kept: Vec<([usize; MAX_BASES], Kept)>,
    index: rustc_hash::FxHashMap<[usize; MAX_BASES], usize>,
}

/// Outcomes of one class scanned before they are looked up by hash.
const SCAN_LIMIT: usize = 32;

impl Memo {
    /// Forgets every outcome: they were of another order, whose values may sit at the same
    /// addresses.
    pub(super) fn clear(&mut self) {
        for class in self.touched.drain(..) {
            if let Some(of_class) = self.by_class.get_mut(class as usize) {
                of_class.kept.clear();
                of_class.index.clear();
            }
        }
    }

    fn get(&self, (class, at): &(u32, [usize; MAX_BASES])) -> Option<&Kept> {
        let of_class = self.by_class.get(*class as usize)?;
        if of_class.kept.len() > SCAN_LIMIT {
            let &position = of_class.index.get(at)?;
            return of_class.kept.get(position).map(|(_, kept)| kept);
        }
        of_class
            .kept
            .iter()
            .find(|(bases, _)| bases == at)
            .map(|(_, kept)| kept)
    }

    fn insert(&mut self, (class, at): (u32, [usize; MAX_BASES]), kept: Kept) {
        let slot = class as usize;
        if self.by_class.len() <= slot {
            self.by_class.resize_with(slot + 1, ClassMemo::default);
        }
        if let Some(of_class) = self.by_class.get_mut(slot) {
            if of_class.kept.is_empty() {
                self.touched.push(class);
            }
            of_class.kept.push((at, kept));
            let len = of_class.kept.len();
            if len == SCAN_LIMIT + 1 {
                // The first lookup by hash needs every outcome kept so far; the earliest of
                // equal keys wins, as the scan finds it.
                for (position, (bases, _)) in of_class.kept.iter().enumerate() {
                    of_class.index.entry(*bases).or_insert(position);
                }
            } else if len > SCAN_LIMIT + 1 {
                of_class.index.entry(at).or_insert(len - 1);
            }
        }
    }
}

/// A kept outcome, and whether its evaluation left out a list row in force only after the
/// shipment.
#[derive(Debug)]
pub(super) struct Kept {
    truth: Truth,
    rows: Rows,
    left_out_later: bool,
}

thread_local! {
    /// The memo of the order being judged on this thread, kept between orders for its room.
    static MEMO: std::cell::Cell<Memo> = std::cell::Cell::new(Memo::default());
}

/// An empty memo for an order, with the room of this thread's last one.
pub(super) fn for_order() -> Memo {
    let mut memo = MEMO.with(std::cell::Cell::take);
    memo.clear();
    memo
}

/// Keeps an order's memo's room for the next order judged on this thread.
pub(super) fn done_with(memo: Memo) {
    MEMO.with(|slot| slot.set(memo));
}

impl Shared {
    /// The memo's key for the current bindings: the class and the addresses of the base values
    /// (the order's root, or the elements the variables are bound to); `None` when a variable
    /// it reads is not bound.
    fn key(&self, cx: &Cx) -> Option<(u32, [usize; MAX_BASES])> {
        let mut at = [0usize; MAX_BASES];
        for (slot, base) in at.iter_mut().zip(&self.bases) {
            let value: &Value = match base {
                Base::Order => &cx.order.root,
                Base::Var(v) => cx.vars.get(*v)?.value,
            };
            *slot = std::ptr::from_ref(value) as usize;
        }
        Some((self.class, at))
    }
}

/// Evaluates condition `i` without evidence as [`evaluate_into`] does, taking its outcome from
/// `memo` when its class was asked of the same values in this order, and keeping it there
/// otherwise. Not for the lookback pass (see the module's notes).
/// Counts the evaluation in `counts`, as worked out or answered from the memo.
#[allow(clippy::too_many_arguments)]
pub(super) fn evaluate_shared(
    rule: &Rule,
    i: usize,
    shared: &Shared,
    expected: &[Arc<str>],
    cx: &Cx,
    outcomes: &mut [Outcome],
    done: &mut [bool],
    memo: &mut Memo,
    counts: &mut Counts,
) {
    let Some(key) = shared.key(cx) else {
        counts.evaluated = counts.evaluated.saturating_add(1);
        evaluate_into(rule, i, expected, cx, outcomes, done, false);
        return;
    };
    if let Some(kept) = memo.get(&key) {
        counts.from_memo = counts.from_memo.saturating_add(1);
        if let (Some(slot), Some(flag)) = (outcomes.get_mut(i), done.get_mut(i)) {
            slot.reset();
            slot.truth = kept.truth;
            slot.rows.extend_from_slice(&kept.rows);
            *flag = true;
        }
        if kept.left_out_later {
            cx.rows.left_out_later.set(true);
        }
        return;
    }
    counts.evaluated = counts.evaluated.saturating_add(1);
    // Whether this evaluation leaves out a later row, whatever an earlier one of the rule did.
    let before = cx.rows.left_out_later.replace(false);
    evaluate_into(rule, i, expected, cx, outcomes, done, false);
    let left_out_later = cx.rows.left_out_later.get();
    cx.rows.left_out_later.set(before || left_out_later);
    if let Some(outcome) = outcomes.get(i) {
        memo.insert(
            key,
            Kept {
                truth: outcome.truth,
                rows: outcome.rows.clone(),
                left_out_later,
            },
        );
    }
}

/// Per rule of the pack, the class of its first binding's sources when another rule's first
/// binding has the same (all from the order: `party = ["buyer", "consignees[*]", ...]` in
/// each screening rule): the elements they take are the same for both on any order, and are
/// found once per order (`FirstElements`). Equal paths quote equal concrete paths, so an element
/// found through one rule's path serves another's evidence.
pub(super) fn first_bindings(pack: &RulePack) -> Vec<Option<u32>> {
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut counts: Vec<usize> = Vec::new();
    let classes: Vec<Option<u32>> = pack
        .rules
        .iter()
        .map(|rule| {
            let binding = rule.bindings.first()?;
            let mut key = String::new();
            for source in &binding.sources {
                if source.base != Base::Order {
                    return None;
                }
                key.push_str(&format!("{}|", source.path));
            }
            let fresh = u32::try_from(counts.len()).ok()?;
            let class = *ids.entry(key).or_insert(fresh);
            if class == fresh {
                counts.push(0);
            }
            *counts.get_mut(class as usize)? += 1;
            Some(class)
        })
        .collect();
    classes
        .into_iter()
        .map(|class| class.filter(|c| counts.get(*c as usize).is_some_and(|&n| n > 1)))
        .collect()
}

/// The elements of the order's first bindings, by class (`first_bindings`), found the first
/// time a rule asks and copied for the others.
#[derive(Default)]
pub(super) struct FirstElements<'o> {
    elements: Vec<Bound<'o>>,
    /// By class, where its elements sit in `elements`.
    found: Vec<Option<(usize, usize)>>,
}

impl<'o> FirstElements<'o> {
    /// The elements `binding` (a rule's first, of `class`) takes, appended to `out`.
    pub(super) fn elements_into(
        &mut self,
        class: u32,
        cx: &Cx<'o, '_>,
        binding: &'o Binding,
        out: &mut Vec<Bound<'o>>,
    ) {
        out.extend_from_slice(self.elements(class, cx, binding));
    }

    /// The elements `binding` (a rule's first, of `class`) takes.
    pub(super) fn elements(
        &mut self,
        class: u32,
        cx: &Cx<'o, '_>,
        binding: &'o Binding,
    ) -> &[Bound<'o>] {
        let slot = class as usize;
        let (start, end) = match self.found.get(slot) {
            Some(Some(found)) => *found,
            _ => {
                let start = self.elements.len();
                cx.elements_into(binding, &mut self.elements);
                let end = self.elements.len();
                if self.found.len() <= slot {
                    self.found.resize(slot + 1, None);
                }
                if let Some(found) = self.found.get_mut(slot) {
                    *found = Some((start, end));
                }
                (start, end)
            }
        };
        self.elements.get(start..end).unwrap_or_default()
    }
}
