// A valid model folder to mutate: the golden Transformer fixture (weights + config) and a
// small WordPiece tokenizer.

pub const FIXTURE: &[u8] = include_bytes!("../../tests/fixtures/transformer_post_gelu_cls.safetensors");

pub fn config() -> String {
    let meta = attnscope_core::weights::metadata(FIXTURE).expect("fixture metadata");
    meta["config"].clone()
}

pub const TOKENIZER: &str = r###"{"version":"1.0","added_tokens":[{"id":4,"content":"[MASK]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}],
"normalizer":{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":true},
"pre_tokenizer":{"type":"BertPreTokenizer"},"post_processor":{"type":"BertProcessing","sep":["[SEP]",3],"cls":["[CLS]",2]},
"model":{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":100,
"vocab":{"[PAD]":0,"[UNK]":1,"[CLS]":2,"[SEP]":3,"[MASK]":4,"the":5,"movie":6,"not":7,"bad":8,"##s":9,"##ing":10,"!":11,"é":12,"中":13}}}"###;
