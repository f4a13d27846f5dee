//! The heatmap's cell cursor: the cell under the pointer, arrow keys (Shift: ten cells),
//! Home, Enter or a click to pick a cell, and the readout of the value under the cursor.

use super::paint::Geometry;
use super::HeatmapPlotProps;
use crate::components::{arrow_step, clamp_step};
use crate::plot::heatmap::cell_at;
use attnscope_core::Matrix;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use yew::prelude::*;

/// The cursor's cell and the canvas's handlers that move it.
pub struct CellCursor {
    /// The (row, column) under the cursor, inside the matrix.
    pub current: Option<(usize, usize)>,
    /// Moves the cursor to the cell under the pointer.
    pub onmousemove: Callback<MouseEvent>,
    /// Hides the cursor.
    pub onmouseleave: Callback<MouseEvent>,
    /// Picks the cell under the cursor.
    pub onclick: Callback<MouseEvent>,
    /// Arrow keys, Home and Enter.
    pub onkeydown: Callback<KeyboardEvent>,
}

/// The cursor over `matrix` as last painted (`geometry`); `on_pick` hears picked cells.
#[hook]
pub fn use_cell_cursor(
    matrix: &Arc<Matrix>,
    geometry: &Rc<RefCell<Geometry>>,
    on_pick: Option<Callback<(usize, usize)>>,
) -> CellCursor {
    let cursor = use_state(|| None::<(usize, usize)>);
    let (rows, cols) = (matrix.rows(), matrix.cols());
    let current = cursor.filter(|&(r, c)| r < rows && c < cols);
    let pick = move |on_pick: &Option<Callback<(usize, usize)>>| {
        if let (Some(on_pick), Some(cell)) = (on_pick, current) {
            on_pick.emit(cell);
        }
    };
    let onmousemove = {
        let (cursor, geometry, matrix) = (cursor.clone(), geometry.clone(), matrix.clone());
        Callback::from(move |event: MouseEvent| {
            let Geometry { rect, scale } = *geometry.borrow();
            let (x, y) = (
                event.offset_x() as f64 * scale,
                event.offset_y() as f64 * scale,
            );
            let cell = rect.fraction_at(x, y).and_then(|f| cell_at(&matrix, f));
            if cell.is_some() && cell != *cursor {
                cursor.set(cell);
            }
        })
    };
    let onmouseleave = {
        let cursor = cursor.clone();
        Callback::from(move |_: MouseEvent| cursor.set(None))
    };
    let onclick = {
        let on_pick = on_pick.clone();
        Callback::from(move |_: MouseEvent| pick(&on_pick))
    };
    let onkeydown = Callback::from(move |event: KeyboardEvent| {
        let (r, c) = current.unwrap_or((0, 0));
        if let Some((dr, dc)) = arrow_step(&event) {
            event.prevent_default();
            cursor.set(Some((clamp_step(r, dr, rows), clamp_step(c, dc, cols))));
        } else if event.key() == "Home" {
            event.prevent_default();
            cursor.set(Some((0, 0)));
        } else if event.key() == "Enter" {
            pick(&on_pick);
        }
    });
    CellCursor {
        current,
        onmousemove,
        onmouseleave,
        onclick,
        onkeydown,
    }
}

/// The readout: "query 2 “car” · key 3 “is” = 0.412000", or how to get one.
pub fn readout(props: &HeatmapPlotProps, current: Option<(usize, usize)>) -> String {
    let name = |names: Option<&Vec<String>>, i: usize| {
        names
            .and_then(|n| n.get(i))
            .map_or(String::new(), |n| format!(" “{n}”"))
    };
    let labels = props.labels.as_deref();
    let value = current.and_then(|(r, c)| props.matrix.get(r, c).map(|v| (r, c, v)));
    match value {
        Some((r, c, v)) => format!(
            "{} {r}{} · {} {c}{} = {v:.6}{}",
            props.row_name,
            name(labels.map(|l| &l.rows), r),
            props.col_name,
            name(labels.map(|l| &l.cols), c),
            if props.mask.hides(r, c) {
                " (masked: a token may not look ahead)"
            } else {
                ""
            }
        ),
        None => format!(
            "Hover a cell, or focus the plot and use the arrow keys, to read {} × {} values.",
            props.row_name, props.col_name
        ),
    }
}
