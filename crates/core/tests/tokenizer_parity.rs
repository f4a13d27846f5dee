//! The small WordPiece encoder equals Hugging Face's `tokenizers` crate token for token — ids
//! and byte spans — on 12,000 sentences full of hard cases: accents and their stripping,
//! İ and ß (lower-casing that changes length), Hangul (NFD into jamo), CJK (spaced out),
//! Arabic and Hebrew, combining marks, ZWJ emoji, emoji newer than HF's Unicode tables,
//! control and zero-width characters, literal special tokens, words over 100 characters.
//!
//! The tokenizer is trained here with HF's own WordPiece trainer, as the models' will be.
#![cfg(not(target_arch = "wasm32"))]

use attnscope_core::tokenizer::WordPieceTokenizer;
use attnscope_testkit::SplitMix;
use tokenizers::models::wordpiece::{WordPiece, WordPieceTrainer};
use tokenizers::normalizers::bert::BertNormalizer;
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::processors::template::TemplateProcessing;
use tokenizers::{AddedToken, Tokenizer};

const WORDS: &[&str] = &[
    "the",
    "a",
    "movie",
    "was",
    "not",
    "bad",
    "good",
    "great",
    "awful",
    "plot",
    "acting",
    "I",
    "love",
    "Python",
    "red",
    "car",
    "el",
    "coche",
    "rojo",
    "canción",
    "niño",
    "café",
    "über",
    "façade",
    "naïve",
    "ÉCOLE",
    "Ångström",
    "İstanbul",
    "straße",
    "ﬁne",
    "Σίσυφος",
    "Привет",
    "мир",
    "مرحبا",
    "שָׁלוֹם",
    "中文字",
    "日本語",
    "ひらがな",
    "한국어",
    "don't",
    "it's",
    "U.S.A.",
    "3.14",
    "2026",
    "e-mail",
    "https://example.org/a?b=c&d=e",
    "#hashtag",
    "@user",
    "😀",
    "👩‍💻",
    "🇪🇸",
    "🥰",
    "🫠",
    "x\u{0301}",
    "\u{0301}",
    "a\u{0323}\u{0301}",
    "\u{200b}",
    "\u{feff}",
    "\u{0007}",
    "\u{00a0}",
    "\t",
    "\n",
    "\r\n",
    "[MASK]",
    "[CLS]",
    "[SEP]x",
    "¿Qué?",
    "¡Hola!",
    "«quote»",
    "—",
    "…",
    "(",
    ")",
    ",",
    ".",
    "!",
    "?",
    ";",
    ":",
    "\"",
    "'",
    "Ⅻ",
    "①",
    "ǅ",
    "ΐ",
    "ὒ",
    "Ꮳ",
    "ꭰ",
    "\u{e000}",
    "\u{10ffff}",
    "\u{fffd}",
    "\0",
];

fn sentence(rng: &mut SplitMix) -> String {
    let mut s = String::new();
    for _ in 0..1 + rng.below(14) {
        match rng.below(20) {
            0 => s.push_str(&"x".repeat(95 + rng.below(10))), // around max_input_chars_per_word
            1 => s.push(char::from_u32(rng.below(0x3000) as u32).unwrap_or('?')), // any early code point
            2 => {
                let word = WORDS[rng.below(WORDS.len())];
                s.push_str(&word.to_uppercase());
            }
            _ => s.push_str(WORDS[rng.below(WORDS.len())]),
        }
        s.push_str(match rng.below(6) {
            0 => "",
            1 => "  ",
            _ => " ",
        });
    }
    s
}

fn trained_tokenizer() -> Tokenizer {
    let mut rng = SplitMix(7);
    let corpus: Vec<String> = (0..4000).map(|_| sentence(&mut rng)).collect();
    let path = std::env::temp_dir().join(format!(
        "attnscope-tokenizer-corpus-{}.txt",
        std::process::id()
    ));
    std::fs::write(&path, corpus.join("\n")).unwrap();
    let specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
    let mut tokenizer = Tokenizer::new(
        WordPiece::builder()
            .unk_token("[UNK]".into())
            .build()
            .unwrap(),
    );
    tokenizer.with_normalizer(Some(BertNormalizer::default()));
    tokenizer.with_pre_tokenizer(Some(BertPreTokenizer));
    let mut trainer: tokenizers::models::TrainerWrapper = WordPieceTrainer::builder()
        .vocab_size(1200)
        .min_frequency(2)
        .special_tokens(
            specials
                .iter()
                .map(|t| AddedToken::from(t.to_string(), true))
                .collect(),
        )
        .show_progress(false)
        .build()
        .into();
    tokenizer
        .train_from_files(&mut trainer, vec![path.to_string_lossy().into_owned()])
        .unwrap();
    let _ = std::fs::remove_file(&path);
    let id = |t: &str| tokenizer.token_to_id(t).unwrap();
    let template = TemplateProcessing::builder()
        .try_single("[CLS] $A [SEP]")
        .unwrap()
        .special_tokens(vec![("[CLS]", id("[CLS]")), ("[SEP]", id("[SEP]"))])
        .build()
        .unwrap();
    tokenizer.with_post_processor(Some(template));
    tokenizer
}

#[test]
fn the_small_encoder_equals_hf_tokenizers_on_12000_sentences() {
    let hf = trained_tokenizer();
    let json = hf.to_string(false).unwrap();
    let ours = WordPieceTokenizer::from_json(&json).unwrap();
    let mut rng = SplitMix(2026);
    let mut checked_tokens = 0;
    for n in 0..12_000 {
        let text = sentence(&mut rng);
        let expected = hf.encode(text.as_str(), true).unwrap();
        let got = ours.encode(&text);
        let got_ids: Vec<u32> = got.iter().map(|t| t.id).collect();
        let got_spans: Vec<(usize, usize)> = got.iter().map(|t| (t.start, t.end)).collect();
        assert_eq!(
            got_ids,
            expected.get_ids(),
            "sentence {n}: {text:?}\nHF tokens {:?}",
            expected.get_tokens()
        );
        assert_eq!(
            got_spans,
            expected.get_offsets(),
            "sentence {n}: {text:?}\nHF tokens {:?}",
            expected.get_tokens()
        );
        for token in &got {
            assert!(text.is_char_boundary(token.start) && text.is_char_boundary(token.end));
        }
        checked_tokens += got.len();
    }
    assert!(checked_tokens > 100_000, "{checked_tokens} tokens compared");
}

#[test]
fn padding_and_truncation_in_the_file_never_leak_into_results() {
    let hf = trained_tokenizer();
    let mut value: serde_json::Value = serde_json::from_str(&hf.to_string(false).unwrap()).unwrap();
    value["padding"] = serde_json::json!({"strategy": {"Fixed": 128}, "direction": "Right", "pad_to_multiple_of": null, "pad_id": 0, "pad_type_id": 0, "pad_token": "[PAD]"});
    value["truncation"] = serde_json::json!({"direction": "Right", "max_length": 4, "strategy": "LongestFirst", "stride": 0});
    let ours = WordPieceTokenizer::from_json(&value.to_string()).unwrap();
    let text = "the movie was not bad at all";
    let tokens = ours.encode(text);
    let plain = hf.encode(text, true).unwrap(); // `hf` itself has no padding or truncation
    assert_eq!(
        tokens.iter().map(|t| t.id).collect::<Vec<_>>(),
        plain.get_ids()
    );
    assert!(
        tokens.len() > 4 && tokens.len() < 128,
        "neither cut to 4 nor padded to 128: {}",
        tokens.len()
    );
    assert!(tokens.first().unwrap().special && tokens.last().unwrap().special);
}
