use super::*;

fn sanitize_text(text: &str) -> Vec<String> {
    doc_lines(text)
}

#[test]
fn wrapped_list_items_are_aligned_with_their_text() {
    let lines = sanitize_text(
        "Kinds:\n  * parameter - a value of a query string\n  parameter\n  * url - the URL\nAfter.",
    );
    assert_eq!(
        lines,
        [
            " Kinds:",
            "   * parameter - a value of a query string",
            "     parameter",
            "   * url - the URL",
            "",
            " After."
        ]
    );
}

#[test]
fn carriage_returns_never_reach_a_doc_comment() {
    let lines = sanitize_text("One.\n\r> Two.\r\nThree.\rFour.");
    assert_eq!(lines, [" One.", "", " &gt; Two.", " Three.", " Four."]);
    assert!(lines.iter().all(|l| !l.contains('\r')));
}

#[test]
fn overindented_continuations_are_aligned_too() {
    let lines = sanitize_text("- `a=1` When set,\n   returns all.\n- `b`\n      code");
    assert_eq!(
        lines,
        [
            " - `a=1` When set,",
            "   returns all.",
            " - `b`",
            "       code"
        ]
    );
}

#[test]
fn prose_is_escaped_but_links_and_code_survive() {
    assert_eq!(
        escape_prose("pattern [a-f0-9] here"),
        "pattern \\[a-f0-9\\] here"
    );
    assert_eq!(
        escape_prose("see [docs](https://x.y/z) now"),
        "see [docs](https://x.y/z) now"
    );
    assert_eq!(
        escape_prose("at https://cloud.mongodb.com."),
        "at <https://cloud.mongodb.com>."
    );
    assert_eq!(
        escape_prose("`a[0] <b>` and <br>"),
        "`a[0] <b>` and &lt;br&gt;"
    );
    assert_eq!(
        escape_prose("see [`Client::get`] too"),
        "see [`Client::get`] too"
    );
    assert_eq!(
        sanitize_text("x\n```\nlet a = 1;\n```"),
        vec![" x", " ```text", " let a = 1;", " ```"]
    );
    assert_eq!(
        sanitize_text("list:\n- a\n  more a\n-- a1\n after"),
        vec![" list:", " - a", "   more a", "   - a1", "", "  after"]
    );
    assert_eq!(sanitize_text("1. one\n2) two"), vec![" 1. one", " 2) two"]);
}

#[test]
fn every_kind_of_code_block_becomes_text() {
    // Tilde fences, with or without a language.
    assert_eq!(
        sanitize_text("a\n~~~rust\nstd::process::exit(1);\n~~~\nb"),
        [" a", " ~~~text", " std::process::exit(1);", " ~~~", " b"]
    );
    // A longer fence is closed only by one as long: the inner ``` is content.
    assert_eq!(
        sanitize_text("````\n```\ninner\n```\n````"),
        [" ````text", " ```", " inner", " ```", " ````"]
    );
    // An indented block after a blank line.
    assert_eq!(
        sanitize_text("Example:\n\n    fn main() {}\n    run();\n\nAfter."),
        [
            " Example:",
            "",
            " ```text",
            " fn main() {}",
            " run();",
            " ```",
            "",
            " After."
        ]
    );
    // Indented deeper than a list item's text after a blank line.
    assert_eq!(
        sanitize_text("- item\n\n      code()\n"),
        [" - item", "", "   ```text", "   code()", "   ```"]
    );
    // A tab is four columns of indentation.
    assert_eq!(
        sanitize_text("x\n\n\tcode()"),
        [" x", "", " ```text", " code()", " ```"]
    );
    // An unclosed fence runs to the end and is closed there.
    assert_eq!(
        sanitize_text("```python\nprint(1)"),
        [" ```text", " print(1)", " ```"]
    );
}

#[test]
fn code_spans_match_commonmark_runs() {
    // `` closes only on ``: the single backtick inside is content, the HTML inside stays code.
    assert_eq!(escape_prose("``a ` <b>`` <i>"), "``a ` <b>`` &lt;i&gt;");
    // An unmatched run is literal text, and the HTML after it is escaped.
    assert_eq!(escape_prose("``x` <script>"), "\\`\\`x\\` &lt;script&gt;");
}

#[test]
fn links_autolinks_and_images_are_only_kept_when_safe() {
    assert_eq!(
        escape_prose("[x](javascript:alert(1))"),
        "\\[x\\](javascript:alert(1))"
    );
    assert_eq!(
        escape_prose("![x](https://t.example/p.png)"),
        "\\![x](https://t.example/p.png)"
    );
    assert_eq!(
        escape_prose("<http x onclick=y>"),
        "&lt;http x onclick=y&gt;"
    );
    assert_eq!(
        escape_prose("<https://ok.example/a>"),
        "<https://ok.example/a>"
    );
    assert_eq!(escape_prose("[rel](../a#b)"), "[rel](../a#b)");
}

#[test]
fn hidden_characters_are_shown_escaped() {
    let lines = sanitize_text("a\u{202e}b\u{0}c\u{7}");
    assert_eq!(lines, [" a\\u{202e}b\\u{0}c\\u{7}"]);
}

#[test]
fn code_spans_for_values_cannot_close_early() {
    assert_eq!(code("plain"), "`plain`");
    assert_eq!(code("a`b"), "``a`b``");
    assert_eq!(code("`x"), "`` `x ``");
    assert_eq!(code(" a "), "`  a  `");
    assert_eq!(code("a\nb"), "`a\\u{a}b`");
    assert_eq!(code(""), "`\"\"`");
    for value in [
        "```",
        "~~~\nrun()",
        "``` rust",
        "<script>x</script>",
        "a\r\n    b",
    ] {
        let line = format!(" Value {} here.", code(value));
        assert!(
            verify::is_safe_markdown(&doc_lines(&line)),
            "{value:?}: {line}"
        );
        assert_eq!(
            doc_lines(&line),
            std::slice::from_ref(&line),
            "{value:?} is shown as given"
        );
    }
}

#[test]
fn anything_the_check_rejects_becomes_one_literal_block() {
    // Text after a heading indented four columns is an indented code block to CommonMark.
    let text = "# Head\n    run()\n````\nx";
    let lines = doc_lines(text);
    assert!(verify::is_safe_markdown(&lines), "{lines:?}");
    let literal = literal_block(&normalize(text));
    assert!(verify::is_safe_markdown(&literal), "{literal:?}");
}

#[test]
fn inline_notes_are_one_safe_line() {
    assert_eq!(
        inline("use `b`\ninstead <now>"),
        "use `b` instead &lt;now&gt;"
    );
}

#[test]
fn a_fence_inside_a_list_item_keeps_its_content_inside_the_item() {
    // rustdoc's parser (pulldown-cmark 0.11) read the unindented content line as a task item
    // holding a code block: the content must stay inside the item, and the fence with it.
    let text = "1.  A thing.\n\n      ```\n- [ ] ```\n  std::fs::write(\"PWNED\",\"x\").unwrap();\n      ```";
    let lines = doc_lines(text);
    assert!(verify::is_safe_markdown(&lines), "{lines:?}");
    assert_eq!(
        lines,
        [
            " 1.  A thing.",
            "",
            "       ````text",
            "       - [ ] ```",
            "       std::fs::write(\"PWNED\",\"x\").unwrap();",
            "       ````"
        ]
    );
}

#[test]
fn task_items_and_link_definitions_are_not_prose() {
    for text in [
        "- [ ] ```\n  run()",
        "[`Client`]: javascript:alert(1)",
        "[x]: https://a.example",
    ] {
        let md = vec![format!(" {text}")];
        assert!(!verify::is_safe_markdown(&md), "{text:?}");
    }
    // A definition never survives escaping; the same link mid-line stays a link.
    assert_eq!(
        escape_prose("[`Client`]: javascript:alert(1)"),
        "\\[`Client`\\]: javascript:alert(1)"
    );
    assert_eq!(escape_prose("See [`Client`]: it"), "See [`Client`]: it");
}

#[test]
fn unicode_whitespace_is_plain_indentation_and_never_splits_a_character() {
    let lines = doc_lines("a\n\n  \u{3000}x\n\n\u{a0}\u{a0}\u{a0}\u{a0}\u{2003}code()");
    assert!(verify::is_safe_markdown(&lines), "{lines:?}");
    assert_eq!(lines[2], "    x");
}
