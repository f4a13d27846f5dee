//! The tokenizer's compact Unicode table (`src/tokenizer/unicode.bin`) is written from the
//! crates HF `tokenizers` reads (`unicode_categories`, `unicode-normalization-alignments`), and
//! every function over it answers as they do on every code point.
//!
//! After a change of those crates' versions: `UPDATE_UNICODE_TABLES=1 cargo test -p
//! attnscope-core --test unicode_tables`, then run it again without the variable.

use attnscope_core::tokenizer::unicode;
use unicode_categories::UnicodeCategories;
use unicode_normalization_alignments::char as nfd;

const TABLE_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/tokenizer/unicode.bin");

fn all_chars() -> impl Iterator<Item = char> {
    (0..=0x10FFFF).filter_map(char::from_u32)
}

fn is_hangul_syllable(c: char) -> bool {
    (0xAC00..0xAC00 + 11_172).contains(&(c as u32))
}

fn varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Runs of consecutive code points sharing a value other than `none`, as (start, end, value).
fn runs<T: PartialEq + Copy>(value: impl Fn(char) -> T, none: T) -> Vec<(u32, u32, T)> {
    let mut out: Vec<(u32, u32, T)> = Vec::new();
    for c in all_chars() {
        let v = value(c);
        if v == none {
            continue;
        }
        match out.last_mut() {
            Some((_, end, last)) if *end == c as u32 && *last == v => *end += 1,
            _ => out.push((c as u32, c as u32 + 1, v)),
        }
    }
    out
}

fn write_runs<T: Copy>(
    out: &mut Vec<u8>,
    runs: &[(u32, u32, T)],
    extra: impl Fn(T) -> Option<u32>,
) {
    varint(out, runs.len() as u32);
    let mut end = 0;
    for &(start, stop, value) in runs {
        varint(out, start - end);
        varint(out, stop - start - 1);
        if let Some(x) = extra(value) {
            varint(out, x);
        }
        end = stop;
    }
}

/// unicode.bin as the crates give it (the format is in `unicode.rs`'s header).
fn table_from_the_crates() -> Vec<u8> {
    let mut out = Vec::new();
    for set in [
        &(|c: char| c.is_mark_nonspacing()) as &dyn Fn(char) -> bool,
        &|c: char| c.is_punctuation(),
        &|c: char| c.is_other(),
    ] {
        write_runs(&mut out, &runs(set, false), |_| None);
    }
    write_runs(
        &mut out,
        &runs(nfd::canonical_combining_class, 0),
        |class| Some(u32::from(class)),
    );
    let decompositions: Vec<(char, Vec<char>)> = all_chars()
        .filter(|&c| !is_hangul_syllable(c))
        .filter_map(|c| {
            let mut parts = Vec::new();
            nfd::decompose_canonical(c, |d| parts.push(d));
            (parts != [c]).then_some((c, parts))
        })
        .collect();
    varint(&mut out, decompositions.len() as u32);
    let mut key = 0;
    for (c, parts) in decompositions {
        varint(&mut out, c as u32 - key);
        key = c as u32;
        varint(&mut out, parts.len() as u32);
        parts.into_iter().for_each(|d| varint(&mut out, d as u32));
    }
    out
}

#[test]
fn the_committed_table_is_the_crates_table() {
    let expected = table_from_the_crates();
    if std::env::var_os("UPDATE_UNICODE_TABLES").is_some() {
        std::fs::write(TABLE_PATH, &expected).unwrap();
    }
    let committed = std::fs::read(TABLE_PATH).unwrap();
    assert!(
        committed == expected,
        "unicode.bin ({} bytes) differs from the crates' table ({} bytes): \
         UPDATE_UNICODE_TABLES=1 cargo test -p attnscope-core --test unicode_tables",
        committed.len(),
        expected.len()
    );
}

#[test]
fn every_code_point_answers_as_the_crates_do() {
    for c in all_chars() {
        let at = format!("U+{:04X}", c as u32);
        assert_eq!(
            unicode::is_mark_nonspacing(c),
            c.is_mark_nonspacing(),
            "Mn {at}"
        );
        assert_eq!(unicode::is_punctuation(c), c.is_punctuation(), "P {at}");
        assert_eq!(unicode::is_other(c), c.is_other(), "other {at}");
        assert_eq!(
            unicode::canonical_combining_class(c),
            nfd::canonical_combining_class(c),
            "ccc {at}"
        );
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        unicode::decompose_canonical(c, |d| ours.push(d));
        nfd::decompose_canonical(c, |d| theirs.push(d));
        assert_eq!(ours, theirs, "NFD {at}");
    }
}
