//! Outlines over the heatmap's canvas: the cursor's cell, and the row and column of a token
//! highlighted elsewhere on the page. Placed in CSS pixels from the last paint's geometry,
//! through `data-css` (a strict style-src refuses style attributes).

use super::paint::Geometry;
use super::HeatmapPlotProps;
use yew::prelude::*;

/// An outline at CSS pixels (left, top) of size (width, height).
fn outline(class: &'static str, (left, top): (f64, f64), (width, height): (f64, f64)) -> Html {
    let css = format!("left:{left:.1}px;top:{top:.1}px;width:{width:.1}px;height:{height:.1}px");
    html! { <div {class} aria-hidden="true" data-css={css}></div> }
}

/// The cell (row, col) of a `rows × cols` heatmap painted with `geometry`, outlined (at
/// least 3 CSS px, so a cell of a large map stays visible).
pub fn cell_marker(
    geometry: Geometry,
    (rows, cols): (usize, usize),
    (r, c): (usize, usize),
) -> Html {
    let Geometry { rect, scale } = geometry;
    let (cw, ch) = (
        rect.width as f64 / cols.max(1) as f64,
        rect.height as f64 / rows.max(1) as f64,
    );
    let at = (
        (rect.left as f64 + c as f64 * cw) / scale,
        (rect.top as f64 + r as f64 * ch) / scale,
    );
    outline(
        "cell-marker",
        at,
        ((cw / scale).max(3.0), (ch / scale).max(3.0)),
    )
}

/// The highlighted row and column across the whole data area (at least 2 CSS px wide).
pub fn bands(props: &HeatmapPlotProps, geometry: Geometry, (rows, cols): (usize, usize)) -> Html {
    let Geometry { rect, scale } = geometry;
    let (cw, ch) = (
        rect.width as f64 / cols.max(1) as f64 / scale,
        rect.height as f64 / rows.max(1) as f64 / scale,
    );
    let (left, top) = (rect.left as f64 / scale, rect.top as f64 / scale);
    let (width, height) = (rect.width as f64 / scale, rect.height as f64 / scale);
    let row = props.highlight_row.filter(|&i| i < rows).map(|i| {
        outline(
            "band-marker",
            (left, top + i as f64 * ch),
            (width, ch.max(2.0)),
        )
    });
    let col = props.highlight_col.filter(|&i| i < cols).map(|i| {
        outline(
            "band-marker",
            (left + i as f64 * cw, top),
            (cw.max(2.0), height),
        )
    });
    html! { <>{ for row }{ for col }</> }
}
