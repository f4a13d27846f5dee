//! The WGSL lines that compute each step on the GPU, cut from the very sources the engine
//! compiles (`attnscope_gpu::kernels::*::SOURCE`), so the "show the kernel" panels can never
//! drift from the shaders that run, and the page carries each file once.

use attnscope_gpu::kernels;

// Each excerpt is found by marker comments in the WGSL (`// Step 2` and so on), so a
// kernel edit that renames a marker empties a panel; the test below holds every marker
// the steps use to its kernel.

/// The fused, tiled attention kernel.
pub const ATTENTION: &str = kernels::attention::SOURCE.wgsl;
/// The tiled linear layer (Q, K, V projections and W_O).
pub const MATMUL: &str = kernels::matmul::SOURCE.wgsl;
/// Embedding gather + positional encoding.
pub const EMBED: &str = kernels::embed::SOURCE.wgsl;
/// The BiLSTM's attention pooling.
pub const ADDITIVE_POOL: &str = kernels::additive_pool::SOURCE.wgsl;

/// The lines of `source` from the first line containing `from` up to (not including) the
/// first later line containing `to` (to the end if `to` is empty or absent).
///
/// Each line is prefixed with its 1-based line number in the file, so a reader can find it
/// in the shader. An absent `from` gives an empty string rather than the whole file.
pub fn excerpt(source: &str, from: &str, to: &str) -> String {
    let lines: Vec<&str> = source.lines().collect();
    let Some(start) = lines.iter().position(|l| l.contains(from)) else {
        return String::new();
    };
    // `to` is searched only after the start, so a marker pair such as `// Step 2` / `// Step 3`
    // works even where the end marker also appears earlier in the file.
    let end = match to {
        "" => lines.len(),
        to => lines[start + 1..]
            .iter()
            .position(|l| l.contains(to))
            .map_or(lines.len(), |i| start + 1 + i),
    };
    let text: Vec<String> = lines[start..end]
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{:>4}  {l}", start + i + 1))
        .collect();
    text.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_marker_the_steps_use_is_in_its_kernel() {
        for (source, from, to) in [
            (ATTENTION, "// Step 1", "// Step 2"),
            (ATTENTION, "// Step 2", "// Step 3"),
            (ATTENTION, "// Step 3", "// Step 4"),
            (ATTENTION, "// Step 4", "// Step 5"),
            (ATTENTION, "// Step 5", "// Step 6"),
            (ATTENTION, "// Step 6", ""),
            (MATMUL, "// Linear layer", "struct Params"),
            (EMBED, "// Embedding gather", "struct Params"),
            (ADDITIVE_POOL, "fn main", ""),
        ] {
            let text = excerpt(source, from, to);
            assert!(text.lines().count() >= 3, "{from}: {text}");
        }
        assert!(excerpt(ATTENTION, "// Step 2", "// Step 3").contains("s = dot * p.scale"));
        assert!(excerpt(ATTENTION, "// Step 4", "// Step 5").contains("acc = acc + pool[p_at"));
    }
}
