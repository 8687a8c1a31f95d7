//! An ordered set that also answers "how many members come before this
//! key?" quickly: a citizen's place in a long queue is asked for on every
//! refresh of their phone and after every call, by everyone watching.
//!
//! The members are kept in sorted blocks of at most `MAX` keys, every key of
//! a block below every key of the next. A key's rank is the sizes of the
//! blocks before its own (a sum over `n / MAX` numbers) plus a binary search
//! in its block: about 2,000 additions for a queue of a million, where a
//! B-tree without counts walks up to half the queue. Inserting at the end (a
//! new ticket) and removing at the front (a call) touch one block; a block
//! splits when full and merges with a neighbour when small, so blocks stay
//! between a quarter full and full.

use std::fmt;

/// See the module documentation. `MAX` is the block size (small in tests,
/// to exercise splits and merges).
#[derive(Clone)]
pub struct RankedSet<K, const MAX: usize = 512> {
    /// Sorted and never empty; every key of a block is below every key of
    /// the next.
    blocks: Vec<Vec<K>>,
    len: usize,
}

impl<K, const MAX: usize> Default for RankedSet<K, MAX> {
    fn default() -> Self {
        RankedSet {
            blocks: Vec::new(),
            len: 0,
        }
    }
}

impl<K: Ord, const MAX: usize> RankedSet<K, MAX> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The smallest member.
    pub fn first(&self) -> Option<&K> {
        self.blocks.first().and_then(|b| b.first())
    }

    /// The members in order.
    pub fn iter(&self) -> std::iter::Flatten<std::slice::Iter<'_, Vec<K>>> {
        self.blocks.iter().flatten()
    }

    /// How many members are below `key` (its index, when it is a member).
    pub fn rank(&self, key: &K) -> usize {
        let b = self.block_of(key);
        let before: usize = self.blocks[..b].iter().map(Vec::len).sum();
        before
            + self
                .blocks
                .get(b)
                .map_or(0, |blk| blk.partition_point(|k| k < key))
    }

    /// Adds `key`; false if it was already there.
    pub fn insert(&mut self, key: K) -> bool {
        if self.blocks.is_empty() {
            self.blocks.push(vec![key]);
            self.len = 1;
            return true;
        }
        // A key above every member goes to the last block.
        let b = self.block_of(&key).min(self.blocks.len() - 1);
        let blk = &mut self.blocks[b];
        let Err(i) = blk.binary_search(&key) else {
            return false;
        };
        blk.insert(i, key);
        self.len += 1;
        if blk.len() > MAX {
            let upper = blk.split_off(blk.len() / 2);
            self.blocks.insert(b + 1, upper);
        }
        true
    }

    /// Takes `key` out; false if it was not there.
    pub fn remove(&mut self, key: &K) -> bool {
        let b = self.block_of(key);
        let Some(blk) = self.blocks.get_mut(b) else {
            return false;
        };
        let Ok(i) = blk.binary_search(key) else {
            return false;
        };
        blk.remove(i);
        self.len -= 1;
        if blk.is_empty() {
            self.blocks.remove(b);
        } else if blk.len() < MAX / 4 {
            self.merge_small(b);
        }
        true
    }

    /// The first block whose last key is not below `key` (`blocks.len()`
    /// when every member is below it).
    fn block_of(&self, key: &K) -> usize {
        self.blocks
            .partition_point(|blk| blk.last().is_some_and(|last| last < key))
    }

    /// Joins the small block `b` with a neighbour when both fit in one.
    fn merge_small(&mut self, b: usize) {
        let fits = |x: usize, y: usize| self.blocks[x].len() + self.blocks[y].len() <= MAX;
        let (into, from) = if b + 1 < self.blocks.len() && fits(b, b + 1) {
            (b, b + 1)
        } else if b > 0 && fits(b - 1, b) {
            (b - 1, b)
        } else {
            return;
        };
        let moved = self.blocks.remove(from);
        self.blocks[into].extend(moved);
    }
}

/// Sorts once and fills blocks half full: a restart rebuilds long queues in
/// one go, and room is left for the insertions that follow.
impl<K: Ord, const MAX: usize> FromIterator<K> for RankedSet<K, MAX> {
    fn from_iter<I: IntoIterator<Item = K>>(iter: I) -> Self {
        let mut keys: Vec<K> = iter.into_iter().collect();
        keys.sort_unstable();
        keys.dedup();
        let len = keys.len();
        let half = (MAX / 2).max(1);
        let mut blocks = Vec::with_capacity(len.div_ceil(half));
        let mut rest = keys.into_iter().peekable();
        while rest.peek().is_some() {
            blocks.push(rest.by_ref().take(half).collect());
        }
        RankedSet { blocks, len }
    }
}

impl<'a, K: Ord, const MAX: usize> IntoIterator for &'a RankedSet<K, MAX> {
    type Item = &'a K;
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Vec<K>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Equal when the members are, however they are split into blocks.
impl<K: Ord, const MAX: usize> PartialEq for RankedSet<K, MAX> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<K: Ord, const MAX: usize> Eq for RankedSet<K, MAX> {}

impl<K: Ord + fmt::Debug, const MAX: usize> fmt::Debug for RankedSet<K, MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u16),
        Remove(u16),
        /// Remove the smallest member, as a call does.
        PopFirst,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => any::<u16>().prop_map(|k| Op::Insert(k % 256)),
            2 => any::<u16>().prop_map(|k| Op::Remove(k % 256)),
            1 => Just(Op::PopFirst),
        ]
    }

    /// Checks every query against a plain BTreeSet, and the block invariants.
    fn agrees(set: &RankedSet<u16, 8>, model: &BTreeSet<u16>) {
        assert_eq!(set.len(), model.len());
        assert_eq!(set.is_empty(), model.is_empty());
        assert_eq!(set.first(), model.first());
        assert!(set.iter().eq(model.iter()));
        // Every member is preceded by the members before it, the gap just
        // after it by them and itself; and both ends.
        for (i, &k) in model.iter().enumerate() {
            assert_eq!(set.rank(&k), i, "rank of member {k}");
            assert_eq!(set.rank(&(k + 1)), i + 1, "rank after {k}");
        }
        assert_eq!(set.rank(&0), 0);
        assert_eq!(set.rank(&300), model.len());
        assert!(set.blocks.iter().all(|b| !b.is_empty() && b.len() <= 8));
        assert_eq!(set.blocks.iter().map(Vec::len).sum::<usize>(), set.len());
        // No two neighbours that would fit in one block are both small.
        for pair in set.blocks.windows(2) {
            assert!(pair[0].last() < pair[1].first());
            assert!(pair[0].len() >= 2 || pair[1].len() >= 2 || pair[0].len() + pair[1].len() > 8);
        }
    }

    proptest! {
        #[test]
        fn behaves_like_an_ordered_set(start in proptest::collection::vec(0u16..256, 0..100), ops in proptest::collection::vec(op(), 0..300)) {
            let mut set: RankedSet<u16, 8> = start.iter().copied().collect();
            let mut model: BTreeSet<u16> = start.into_iter().collect();
            agrees(&set, &model);
            for op in ops {
                match op {
                    Op::Insert(k) => prop_assert_eq!(set.insert(k), model.insert(k)),
                    Op::Remove(k) => prop_assert_eq!(set.remove(&k), model.remove(&k)),
                    Op::PopFirst => {
                        let first = model.pop_first();
                        prop_assert_eq!(first.is_some_and(|k| set.remove(&k)), first.is_some());
                    }
                }
                agrees(&set, &model);
            }
        }
    }

    #[test]
    fn equality_ignores_how_blocks_are_split() {
        let bulk: RankedSet<u16, 8> = (0..100).collect();
        let mut one_by_one = RankedSet::<u16, 8>::default();
        for k in (0..100).rev() {
            one_by_one.insert(k);
        }
        assert_ne!(bulk.blocks.len(), 0);
        assert_eq!(bulk, one_by_one);
        one_by_one.remove(&50);
        assert_ne!(bulk, one_by_one);
    }

    #[test]
    fn a_thinned_queue_merges_its_blocks() {
        let mut q = RankedSet::<u32, 512>::default();
        for k in 0..10_000 {
            q.insert(k);
        }
        // Cancellations all over the queue leave one ticket in a hundred.
        for k in (0..10_000).filter(|k| k % 100 != 0) {
            assert!(q.remove(&k));
        }
        assert_eq!(q.len(), 100);
        assert!(q.iter().copied().eq((0..10_000).step_by(100)));
        assert_eq!(q.rank(&5_000), 50);
        assert!(
            q.blocks.len() <= 2,
            "{} blocks for 100 keys",
            q.blocks.len()
        );
    }

    #[test]
    fn a_long_queue_served_from_the_front_keeps_few_blocks() {
        let mut q = RankedSet::<u32, 512>::default();
        for k in 0..100_000 {
            q.insert(k);
        }
        for k in 0..99_000 {
            assert!(q.remove(&k));
        }
        assert_eq!(q.len(), 1_000);
        assert_eq!(q.rank(&99_500), 500);
        assert!(
            q.blocks.len() <= 1_000 / (512 / 4) + 1,
            "{} blocks",
            q.blocks.len()
        );
    }
}
