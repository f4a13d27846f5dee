//! Training lower-cased WordPiece tokenizers with Hugging Face `tokenizers`, in the subset of
//! `tokenizer.json` that attnscope-core reads (BertNormalizer, BertPreTokenizer, WordPiece,
//! BertProcessing).

use tokenizers::decoders::wordpiece::WordPiece as WordPieceDecoder;
use tokenizers::models::wordpiece::{WordPiece, WordPieceTrainerBuilder};
use tokenizers::normalizers::BertNormalizer;
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::processors::bert::BertProcessing;
use tokenizers::{AddedToken, TokenizerImpl};

/// The concrete tokenizer type trained here.
pub type Trained =
    TokenizerImpl<WordPiece, BertNormalizer, BertPreTokenizer, BertProcessing, WordPieceDecoder>;

/// What a tokenizer is for: which special tokens come first and whether sequences are
/// wrapped in [CLS] … [SEP].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A classifier's: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, texts wrapped as [CLS] … [SEP].
    Classifier,
    /// A translator's source side: [PAD] 0, [UNK] 1, no wrapping.
    Source,
    /// A translator's target side: [PAD] 0, [UNK] 1, [BOS] 2, [EOS] 3, no wrapping.
    Target,
}

impl Role {
    /// Its special tokens, in id order.
    pub fn specials(self) -> &'static [&'static str] {
        match self {
            Role::Classifier => &["[PAD]", "[UNK]", "[CLS]", "[SEP]"],
            Role::Source => &["[PAD]", "[UNK]"],
            Role::Target => &["[PAD]", "[UNK]", "[BOS]", "[EOS]"],
        }
    }
}

/// Trains a tokenizer of about `vocab_size` entries on `texts`. Accents are kept unless
/// `strip_accents` (Spanish needs them: "si" and "sí" are different words).
pub fn train(
    texts: &[String],
    vocab_size: usize,
    role: Role,
    strip_accents: bool,
) -> tokenizers::Result<Trained> {
    let mut trainer = WordPieceTrainerBuilder::new()
        .vocab_size(vocab_size)
        .min_frequency(2)
        .show_progress(false)
        .special_tokens(
            role.specials()
                .iter()
                .map(|t| AddedToken::from(*t, true))
                .collect(),
        )
        .build();
    let mut tokenizer = Trained::new(WordPiece::default());
    tokenizer
        .with_normalizer(Some(BertNormalizer::new(
            true,
            true,
            Some(strip_accents),
            true,
        )))
        .with_pre_tokenizer(Some(BertPreTokenizer))
        .with_decoder(Some(WordPieceDecoder::default()));
    if role == Role::Classifier {
        tokenizer.with_post_processor(Some(BertProcessing::new(
            ("[SEP]".into(), 3),
            ("[CLS]".into(), 2),
        )));
    }
    tokenizer.train(&mut trainer, texts.iter())?;
    Ok(tokenizer)
}
