//! The Unicode properties the BertNormalizer and the BertPreTokenizer read, from one compact
//! table (`unicode.bin`, 13 KB).
//!
//! HF `tokenizers` takes them from two crates, `unicode_categories` 0.1.1 (general categories)
//! and `unicode-normalization-alignments` 0.1.12 (NFD). Their tables are built for lookup
//! speed (perfect hashes, slices of `char`) and cost 27 KB of the browser's gzipped wasm;
//! `unicode.bin` holds the same facts as varint-coded runs, decoded once on first use.
//! `tests/unicode_tables.rs` writes it from those very crates and checks, for every code
//! point, that each function here answers as they do.
//!
//! The format: LEB128 `u32` varints, five sections in this order.
//!
//! ```text
//! ranges × 3   (non-spacing marks Mn; punctuation P*; "other" = Cc, Cf and the crates'
//!              six Co code points):  count, then per range  gap, length − 1
//!              (start = end of the previous range + gap; the first gap counts from 0)
//! classes      (canonical combining class ≠ 0):  count, then per run  gap, length − 1, class
//! decompositions (full canonical, Hangul syllables excepted: they are computed):
//!              count, then per entry  key − previous key, length, the characters
//! ```

use std::sync::OnceLock;

/// The decoded table.
struct Tables {
    nonspacing_marks: Vec<(u32, u32)>,
    punctuation: Vec<(u32, u32)>,
    other: Vec<(u32, u32)>,
    classes: Vec<(u32, u32, u8)>,
    decomposition_keys: Vec<u32>,
    /// Entry i's characters are `decomposition_chars[starts[i]..starts[i + 1]]`.
    decomposition_starts: Vec<u32>,
    decomposition_chars: Vec<char>,
}

static TABLE_BYTES: &[u8] = include_bytes!("unicode.bin");

/// Reads varints off the front of a byte slice. The table is ours and tested, so a malformed
/// one is a build bug: it panics on first use, in every test.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn next(&mut self) -> u32 {
        let mut value = 0u32;
        for shift in (0..35).step_by(7) {
            let (&byte, rest) = self.0.split_first().expect("unicode.bin ends early");
            self.0 = rest;
            value |= u32::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return value;
            }
        }
        panic!("unicode.bin holds an overlong varint")
    }

    /// A section of ranges, as half-open (start, end).
    fn ranges(&mut self) -> Vec<(u32, u32)> {
        let mut end = 0;
        (0..self.next())
            .map(|_| {
                let start = end + self.next();
                end = start + self.next() + 1;
                (start, end)
            })
            .collect()
    }
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut reader = Reader(TABLE_BYTES);
        let nonspacing_marks = reader.ranges();
        let punctuation = reader.ranges();
        let other = reader.ranges();
        let mut end = 0;
        let classes = (0..reader.next())
            .map(|_| {
                let start = end + reader.next();
                end = start + reader.next() + 1;
                let class = u8::try_from(reader.next()).expect("a combining class fits a byte");
                (start, end, class)
            })
            .collect();
        let count = reader.next() as usize;
        let (mut keys, mut starts, mut chars) = (Vec::with_capacity(count), vec![0], Vec::new());
        let mut key = 0;
        for _ in 0..count {
            key += reader.next();
            keys.push(key);
            for _ in 0..reader.next() {
                chars.push(char::from_u32(reader.next()).expect("a decomposition holds chars"));
            }
            starts.push(chars.len() as u32);
        }
        assert!(
            reader.0.is_empty(),
            "unicode.bin has bytes past its last section"
        );
        Tables {
            nonspacing_marks,
            punctuation,
            other,
            classes,
            decomposition_keys: keys,
            decomposition_starts: starts,
            decomposition_chars: chars,
        }
    })
}

fn in_ranges(ranges: &[(u32, u32)], c: char) -> bool {
    let c = c as u32;
    let after = ranges.partition_point(|&(start, _)| start <= c);
    after > 0 && c < ranges[after - 1].1
}

/// General category Mn (non-spacing mark).
pub fn is_mark_nonspacing(c: char) -> bool {
    in_ranges(&tables().nonspacing_marks, c)
}

/// General category P* (any punctuation).
pub fn is_punctuation(c: char) -> bool {
    in_ranges(&tables().punctuation, c)
}

/// `unicode_categories`' "other": Cc, Cf, and the six Co code points its table lists.
pub fn is_other(c: char) -> bool {
    in_ranges(&tables().other, c)
}

/// The canonical combining class (0 for starters).
pub fn canonical_combining_class(c: char) -> u8 {
    let classes = &tables().classes;
    let c = c as u32;
    let after = classes.partition_point(|&(start, _, _)| start <= c);
    match after.checked_sub(1).map(|i| classes[i]) {
        Some((_, end, class)) if c < end => class,
        _ => 0,
    }
}

/// Hangul syllables decompose by arithmetic (Unicode §3.12), not by table.
const HANGUL_S_BASE: u32 = 0xAC00;
const HANGUL_L_BASE: u32 = 0x1100;
const HANGUL_V_BASE: u32 = 0x1161;
const HANGUL_T_BASE: u32 = 0x11A7;
const HANGUL_V_COUNT: u32 = 21;
const HANGUL_T_COUNT: u32 = 28;
const HANGUL_S_COUNT: u32 = 19 * HANGUL_V_COUNT * HANGUL_T_COUNT;

/// Emits the full canonical decomposition of `c` (`c` itself when it has none).
pub fn decompose_canonical(c: char, mut emit: impl FnMut(char)) {
    let code = c as u32;
    if code < 0x80 {
        return emit(c);
    }
    if (HANGUL_S_BASE..HANGUL_S_BASE + HANGUL_S_COUNT).contains(&code) {
        let index = code - HANGUL_S_BASE;
        let jamo = |base: u32, offset: u32| char::from_u32(base + offset).expect("a Hangul jamo");
        emit(jamo(
            HANGUL_L_BASE,
            index / (HANGUL_V_COUNT * HANGUL_T_COUNT),
        ));
        emit(jamo(
            HANGUL_V_BASE,
            index % (HANGUL_V_COUNT * HANGUL_T_COUNT) / HANGUL_T_COUNT,
        ));
        let trailing = index % HANGUL_T_COUNT;
        if trailing > 0 {
            emit(jamo(HANGUL_T_BASE, trailing));
        }
        return;
    }
    let t = tables();
    match t.decomposition_keys.binary_search(&code) {
        Ok(i) => {
            let (from, to) = (t.decomposition_starts[i], t.decomposition_starts[i + 1]);
            t.decomposition_chars[from as usize..to as usize]
                .iter()
                .for_each(|&d| emit(d));
        }
        Err(_) => emit(c),
    }
}
