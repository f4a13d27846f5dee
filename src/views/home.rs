//!
//! Static markup, except the live view: the `<attn-scope>` element is defined by
//! `www/embed.js`, which mounts `EmbedRoot` into its shadow root (`embed::mount`), so the
//! home page runs the same component an author's page would.
//! The home view: what attnscope is, and the way into each view.

use crate::route::Route;
use yew::prelude::*;

/// The landing page.
#[component]
pub fn HomeView() -> Html {
    html! {
        <section class="view home" aria-labelledby="home-title">
            <h1 id="home-title">{ "Watch attention happen" }</h1>
            <p class="lede">
                { "attnscope runs small attention models on your own GPU through WebGPU and shows what every head attends to while you type. Nothing is sent anywhere: the models, the maths and the plots all live in this page." }
            </p>
            // yew renders the custom element as plain markup; the element's own script does the
            // rest. Each visit mounts it again, which is why `mount_embed` parks and reuses apps.
            <attn-scope class="home-live" model="sentiment-transformer" view="heatmap" layer="1" editable=""
                text="not bad at all"></attn-scope>
            <p class="muted">{ "This view is the " }<code>{ "<attn-scope>" }</code>{ " element any page can embed with two lines; every view of the app has an Embed button that writes them for you." }</p>
            <ul class="cards">
                <li class="card">
                    <h2><a href={Route::Attention.href()}>{ "Live attention" }</a></h2>
                    <p>{ "Type a sentence and watch every head of a Transformer, and the attention pooling of a BiLSTM, move with each keystroke. Mask a word or switch a head off and see the prediction change." }</p>
                </li>
                <li class="card">
                    <h2><a href={Route::PositionalEncoding.href()}>{ "Positional encoding" }</a></h2>
                    <p>{ "The sinusoidal encoding of “Attention Is All You Need”: the matrix, the curves of each dimension, and why dot products of positions reveal their distance." }</p>
                </li>
                <li class="card">
                    <h2><a href={Route::Translate.href()}>{ "Live translation" }</a></h2>
                    <p>{ "An LSTM encoder–decoder with attention translates English into Spanish as you type; the alignment shows which English words each Spanish word looked at, and a step-through replays the decoding." }</p>
                </li>
                <li class="card">
                    <h2><a href={Route::Generate.href()}>{ "Next token" }</a></h2>
                    <p>{ "A GPT-style decoder predicts the next token as you type: its maps are empty above the diagonal, because the look-ahead mask hides every later token. Reshape the prediction with temperature, top-k and top-p, and let it write." }</p>
                </li>
                <li class="card">
                    <h2><a href={Route::Lesson(1).href()}>{ "A 20-minute lesson" }</a></h2>
                    <p>{ "Nine stops from positional encoding to translation alignment, each with one thing to look at and one to try. Press “Present” for a projector: large type, ← / → to move." }</p>
                </li>
                <li class="card">
                    <h2><a href={Route::Playground.href()}>{ "Q, K, V playground" }</a></h2>
                    <p>{ "Edit small Q, K and V and watch scores, softmax weights and outputs follow: dot, scaled or additive scores, padding and look-ahead masks, one to four heads." }</p>
                </li>
                <li class="card">
                    <h2><a href={Route::Steps.href()}>{ "How a head computes" }</a></h2>
                    <p>{ "softmax(QKᵀ/√d)V for your sentence, one step at a time, with the model's real numbers and the GPU kernel lines of each step." }</p>
                </li>
            </ul>
        </section>
    }
}
