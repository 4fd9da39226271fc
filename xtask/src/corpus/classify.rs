//! Outcome of one generator run: generated, rejected (an error naming a JSON pointer), or a crash
//! (panic, stack overflow, signal, out of memory, timeout, internal error). Rejections and crashes are
//! grouped by a normalized cause: the message without its pointer and without the names in it.

use super::run::{Exit, Run};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    Crash,
    Rejected,
    Generated,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Crash => "crash",
            Outcome::Rejected => "rejected",
            Outcome::Generated => "generated",
        }
    }
}

/// A classified run.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub outcome: Outcome,
    /// Normalized cause (empty when generated).
    pub cause: String,
    /// The generator's own message (first error line, or the panic/abort text).
    pub message: String,
    /// JSON pointer of a rejection, when the message names one.
    pub pointer: Option<String>,
}

/// Exit status the `ulimit` wrapper uses when it cannot set the cap (see `run::generate`).
const WRAPPER_FAILED: i32 = 125;
/// Exit status of a Rust process whose main thread panicked.
const PANIC_EXIT: i32 = 101;

pub fn classify(run: &Run, timeout_secs: u64) -> Verdict {
    let stderr = run.stderr.as_str();
    let crash = |cause: String, message: &str| Verdict {
        outcome: Outcome::Crash,
        cause,
        message: message.to_string(),
        pointer: None,
    };
    if stderr.contains("has overflowed its stack") {
        return crash(
            "stack overflow".into(),
            first_line_with(stderr, "overflowed"),
        );
    }
    if stderr.contains("memory allocation of") {
        return crash(
            "out of memory (address-space cap)".into(),
            first_line_with(stderr, "memory allocation"),
        );
    }
    if let Some(at) = stderr.find("panicked at ") {
        let text = &stderr[at..];
        // "panicked at src/file.rs:10:5:\nmessage": the location is the cause, the message the detail.
        let location = text
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("panicked at ")
            .trim_end_matches(':');
        let detail = text.lines().nth(1).unwrap_or_default();
        return crash(format!("panic at {location}"), detail);
    }
    match run.exit {
        Exit::Timeout => crash(format!("timeout ({timeout_secs} s)"), ""),
        Exit::Signal(signal) => crash(format!("killed by signal {signal}"), last_line(stderr)),
        Exit::Code(0) => Verdict {
            outcome: Outcome::Generated,
            cause: String::new(),
            message: String::new(),
            pointer: None,
        },
        Exit::Code(WRAPPER_FAILED) => crash(
            "harness: cannot set the memory cap".into(),
            last_line(stderr),
        ),
        Exit::Code(PANIC_EXIT) => crash("panic".into(), last_line(stderr)),
        Exit::Code(_) => {
            let line = first_line_with(stderr, "error: ");
            let message = line.strip_prefix("error: ").unwrap_or(line);
            let (pointer, text) = split_pointer(message);
            let cause = normalize(text);
            let outcome = if text.contains("internal error") {
                Outcome::Crash
            } else {
                Outcome::Rejected
            };
            Verdict {
                outcome,
                cause,
                message: message.to_string(),
                pointer,
            }
        }
    }
}

fn first_line_with<'a>(text: &'a str, needle: &str) -> &'a str {
    text.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| last_line(text))
}

fn last_line(text: &str) -> &str {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
}

/// `at /paths/~1a/get: what` -> (Some(pointer), what); `spec root: what` -> (Some(""), what).
fn split_pointer(message: &str) -> (Option<String>, &str) {
    if let Some(rest) = message.strip_prefix("spec root: ") {
        return (Some(String::new()), rest);
    }
    if let Some(rest) = message.strip_prefix("at ") {
        if let Some((pointer, text)) = rest.split_once(": ") {
            return (Some(pointer.to_string()), text);
        }
    }
    (None, message)
}

/// The message with what is specific to one document removed: text in backticks or double quotes
/// becomes `…`, digit runs become `N`, so the same construct in two documents is one cause.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' | '"' => {
                // Skip to the matching quote; an unmatched one keeps the rest as is.
                let rest: String = chars.clone().collect();
                if let Some(end) = rest.find(c) {
                    out.push(c);
                    out.push('…');
                    out.push(c);
                    for _ in 0..rest[..end].chars().count() + 1 {
                        chars.next();
                    }
                } else {
                    out.push(c);
                }
            }
            d if d.is_ascii_digit() => {
                out.push('N');
                while chars.peek().is_some_and(|n| n.is_ascii_digit()) {
                    chars.next();
                }
            }
            other => out.push(other),
        }
    }
    // Long serde messages list every expected variant; keep the gist.
    if out.chars().count() > 160 {
        out = out.chars().take(157).collect::<String>() + "...";
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn run(exit: Exit, stderr: &str) -> Run {
        Run {
            exit,
            stderr: stderr.into(),
            elapsed: Duration::ZERO,
        }
    }

    #[test]
    fn rejections_group_by_cause_without_pointer_or_names() {
        let v = classify(
            &run(
                Exit::Code(2),
                "error: at /paths/~1a/post/requestBody/content/text~1plain: unsupported construct: non-JSON request body media type `text/plain`\n",
            ),
            60,
        );
        assert_eq!(v.outcome, Outcome::Rejected);
        assert_eq!(
            v.pointer.as_deref(),
            Some("/paths/~1a/post/requestBody/content/text~1plain")
        );
        assert_eq!(
            v.cause,
            "unsupported construct: non-JSON request body media type `…`"
        );
        assert_eq!(normalize("enum value 12 of \"x\""), "enum value N of \"…\"");
    }

    #[test]
    fn crashes_are_told_apart() {
        let overflow =
            "\nthread 'main' has overflowed its stack\nfatal runtime error: stack overflow\n";
        assert_eq!(
            classify(&run(Exit::Signal(6), overflow), 60).cause,
            "stack overflow"
        );
        let panic = "thread 'main' (1) panicked at xtask/src/ir/a.rs:3:9:\nindex out of bounds\n";
        let v = classify(&run(Exit::Code(101), panic), 60);
        assert_eq!(
            (v.outcome, v.cause.as_str()),
            (Outcome::Crash, "panic at xtask/src/ir/a.rs:3:9")
        );
        let internal = "error: at src/types/mod.rs: internal error: emitted tokens do not parse as Rust: expected identifier, found keyword `type`";
        let v = classify(&run(Exit::Code(2), internal), 60);
        assert_eq!(v.outcome, Outcome::Crash);
        assert_eq!(
            classify(&run(Exit::Timeout, ""), 60).cause,
            "timeout (60 s)"
        );
        assert_eq!(
            classify(&run(Exit::Code(0), ""), 60).outcome,
            Outcome::Generated
        );
    }
}
