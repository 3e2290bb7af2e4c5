//! How the interactive console reads input: statement splitting and completeness.

/// Splits console input into statements as the interactive interpreter reads it.
pub fn split_statements(text: &str) -> Vec<String> {
    // Interim: one statement per non-blank line until the parser lands.
    text.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect()
}

/// True when `source` is an unfinished statement.
pub fn is_incomplete(source: &str) -> bool {
    source.trim_end().ends_with(':')
}
