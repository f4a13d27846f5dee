//! The BiLSTM's attention pooling: the text with each token shaded by its weight, a bar per
//! token, and the top three tokens named in words.

use yew::prelude::*;

/// Props of [`PoolingView`].
#[derive(Properties, PartialEq)]
pub struct PoolingViewProps {
    /// Token texts.
    pub tokens: Vec<String>,
    /// One pooling weight per token (they sum to 1).
    pub weights: Vec<f32>,
    /// The highlighted position.
    pub highlight: Option<usize>,
    /// Called with the token under the pointer or focus.
    pub on_highlight: Callback<Option<usize>>,
}

/// The positions of the `k` largest weights, largest first.
pub fn top_positions(weights: &[f32], k: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // `total_cmp` orders every f32, NaN included, so the sort never panics; the sort is
    // stable, so equal weights keep text order.
    order.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]));
    order.truncate(k);
    order
}

/// Shaded text, bars and the top-3 sentence. The top-3 sentence (a polite live region) always
/// follows the text; the shaded text and the table of bars, long at T = 128 and usually below
/// the fold, each follow it while on screen ([`crate::hooks::screen::use_frozen_off_screen`]; `data-stale`
/// marks an older picture, as on the plots).
#[component]
pub fn PoolingView(props: &PoolingViewProps) -> Html {
    let top = top_positions(&props.weights, 3);
    let named = top
        .iter()
        .filter_map(|&i| props.tokens.get(i))
        .map(|t| html! { <em>{ t }</em> })
        .collect::<Vec<_>>();
    let (text_ref, bars_ref) = (use_node_ref(), use_node_ref());
    // Both parts freeze on the same values, but each checks alone whether it is on screen.
    let current = (props.tokens.clone(), props.weights.clone(), props.highlight);
    let (text, text_stale) =
        crate::hooks::screen::use_frozen_off_screen(text_ref.clone(), current.clone());
    let (bars, bars_stale) = crate::hooks::screen::use_frozen_off_screen(bars_ref.clone(), current);
    let part = |(tokens, weights, highlight): (Vec<String>, Vec<f32>, Option<usize>), bars| {
        html! { <PoolingPart {tokens} {weights} {highlight} on_highlight={props.on_highlight.clone()} {bars} /> }
    };
    let stale = |stale: bool| stale.then_some("true");
    html! {
        <div class="pooling-view">
            <p class="pooling-top" aria-live="polite">
                { "Mostly attends to: " }
                { for named.into_iter().enumerate().map(|(i, n)| html! { <>{ if i > 0 { ", " } else { "" } }{ n }</> }) }
            </p>
            <div ref={text_ref} data-stale={stale(text_stale)} aria-busy={stale(text_stale)}>{ part(text, false) }</div>
            <div ref={bars_ref} data-stale={stale(bars_stale)} aria-busy={stale(bars_stale)}>{ part(bars, true) }</div>
        </div>
    }
}

/// Props of [`PoolingPart`].
#[derive(Properties, PartialEq)]
struct PoolingPartProps {
    /// Token texts, as in [`PoolingViewProps`].
    tokens: Vec<String>,
    /// One pooling weight per token.
    weights: Vec<f32>,
    /// The highlighted position.
    highlight: Option<usize>,
    /// Called with the token under the pointer.
    on_highlight: Callback<Option<usize>>,
    /// The table of bars, or else the shaded text.
    bars: bool,
}

/// The shaded text, or the table of bars.
#[component]
fn PoolingPart(props: &PoolingPartProps) -> Html {
    // Shades and bars are relative to the largest weight, so the top token is always full;
    // all-zero weights draw nothing.
    let max = props.weights.iter().copied().fold(0.0f32, f32::max);
    // Widths and shades go through `data-css`: a strict CSP refuses `style` attributes.
    let root = crate::hooks::data_css::use_data_css();
    let rows = props.tokens.iter().zip(&props.weights).enumerate();
    if props.bars {
        return html! {
            <table class="pooling-bars" ref={root}>
                <caption>{ "Attention pooling weight per token" }</caption>
                <thead><tr><th scope="col">{ "token" }</th><th scope="col">{ "weight" }</th></tr></thead>
                <tbody>
                    { for rows.map(|(i, (token, w))| {
                        let share = if max > 0.0 { w / max * 100.0 } else { 0.0 };
                        html! {
                            <tr class={classes!((props.highlight == Some(i)).then_some("highlight"))}>
                                <th scope="row">{ token }</th>
                                <td><span class="pool-bar" data-css={format!("width:{share:.1}%")} aria-hidden="true"></span>{ format!("{w:.3}") }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        };
    }
    let leave = props.on_highlight.reform(|_: MouseEvent| None);
    html! {
        <p class="pooling-text" onmouseleave={leave} ref={root}>
            { for rows.map(|(i, (token, w))| {
                let share = if max > 0.0 { w / max } else { 0.0 };
                let enter = props.on_highlight.reform(move |_: MouseEvent| Some(i));
                html! {
                    <span class={classes!("pooled-token", (props.highlight == Some(i)).then_some("highlight"))}
                        data-css={format!("--weight:{share:.3}")} title={format!("{token}: {w:.4}")}
                        onmouseenter={enter}>{ token }</span>
                }
            }) }
        </p>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn top_positions_are_the_largest_first() {
        assert_eq!(
            super::top_positions(&[0.1, 0.5, 0.05, 0.35], 3),
            vec![1, 3, 0]
        );
        assert_eq!(super::top_positions(&[0.7], 3), vec![0]);
    }
}
