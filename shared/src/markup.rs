//! Notice bodies are CommonMark, parsed by `pulldown-cmark` and rendered here through an
//! allow-list: each kind of element the parser reports maps to one fixed tag or to nothing,
//! every piece of text is escaped, raw HTML in the source is shown as text, and links keep
//! only `http`, `https` and `mailto` targets. So what reaches a page, a feed or a mail is
//! exactly these tags: `p br h3 h4 h5 ul ol li blockquote pre code em strong del a hr`.
//!
//! Two departures from plain CommonMark, for text written by operators: a single line break
//! stays a line break (as it does where notices are typed), and bare `http(s)://` URLs are
//! linked. [`to_text`] renders the same source for plain-text mail: no markers, links as
//! "text (URL)".

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

fn parser(source: &str) -> Parser<'_> {
    Parser::new_ext(source, Options::ENABLE_STRIKETHROUGH)
}

/// Whether a link may point at `url`.
fn safe_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
        && !url.contains(char::is_whitespace)
}

/// Renders `source` to safe HTML.
pub fn to_html(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + source.len() / 2);
    // The closing tag of each open link: `</a>`, or nothing for a link that was refused.
    let mut links: Vec<&'static str> = Vec::new();
    let mut in_code_block = false;
    for event in parser(source) {
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => out.push_str("<p>"),
                Tag::Heading { level, .. } => {
                    out.push_str(heading(level).0);
                }
                Tag::BlockQuote(_) => out.push_str("<blockquote>"),
                Tag::CodeBlock(_) => {
                    in_code_block = true;
                    out.push_str("<pre><code>");
                }
                Tag::List(Some(start)) if start != 1 => {
                    out.push_str(&format!("<ol start=\"{start}\">"));
                }
                Tag::List(Some(_)) => out.push_str("<ol>"),
                Tag::List(None) => out.push_str("<ul>"),
                Tag::Item => out.push_str("<li>"),
                Tag::Emphasis => out.push_str("<em>"),
                Tag::Strong => out.push_str("<strong>"),
                Tag::Strikethrough => out.push_str("<del>"),
                Tag::Link { dest_url, .. } if links.is_empty() && safe_url(&dest_url) => {
                    anchor_open(&dest_url, &mut out);
                    links.push("</a>");
                }
                Tag::Link { .. } => links.push(""),
                // Images are not shown: their description stands in their place.
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph => out.push_str("</p>"),
                TagEnd::Heading(level) => out.push_str(heading(level).1),
                TagEnd::BlockQuote(_) => out.push_str("</blockquote>"),
                TagEnd::CodeBlock => {
                    in_code_block = false;
                    out.push_str("</code></pre>");
                }
                TagEnd::List(true) => out.push_str("</ol>"),
                TagEnd::List(false) => out.push_str("</ul>"),
                TagEnd::Item => out.push_str("</li>"),
                TagEnd::Emphasis => out.push_str("</em>"),
                TagEnd::Strong => out.push_str("</strong>"),
                TagEnd::Strikethrough => out.push_str("</del>"),
                TagEnd::Link => out.push_str(links.pop().unwrap_or_default()),
                _ => {}
            },
            Event::Text(text) if in_code_block || !links.is_empty() => escape(&text, &mut out),
            Event::Text(text) => linkify(&text, &mut out),
            Event::Code(code) => {
                out.push_str("<code>");
                escape(&code, &mut out);
                out.push_str("</code>");
            }
            // Markup written in the source is shown, not obeyed.
            Event::Html(html) | Event::InlineHtml(html) => escape(&html, &mut out),
            Event::SoftBreak | Event::HardBreak => out.push_str("<br>"),
            Event::Rule => out.push_str("<hr>"),
            _ => {}
        }
    }
    out
}

/// Headings sit below the page's own title and sections.
fn heading(level: HeadingLevel) -> (&'static str, &'static str) {
    match level {
        HeadingLevel::H1 => ("<h3>", "</h3>"),
        HeadingLevel::H2 => ("<h4>", "</h4>"),
        _ => ("<h5>", "</h5>"),
    }
}

/// Renders `source` as plain text for a mail: paragraphs apart, lists with markers, links as
/// "text (URL)", no emphasis markers.
pub fn to_text(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    // Per open list: the next number, or `None` for bullets.
    let mut lists: Vec<Option<u64>> = Vec::new();
    // Per open link: its target, and where its text began in `out`.
    let mut links: Vec<(String, usize)> = Vec::new();
    let mut quote_depth = 0usize;
    // A list's first item begins after the blank line that sets the list apart.
    let mut list_begins = false;
    // Just after an item's marker.
    let mut item_begins = false;
    let block_break = |out: &mut String| {
        let trimmed = out.trim_end_matches([' ', '\n']).len();
        out.truncate(trimmed);
        if !out.is_empty() {
            out.push_str("\n\n");
        }
    };
    let line_start = |out: &mut String, quote_depth: usize| {
        for _ in 0..quote_depth {
            out.push_str("> ");
        }
    };
    for event in parser(source) {
        match event {
            Event::Start(tag) => match tag {
                // A loose list's item holds a paragraph: it goes on the marker's line.
                Tag::Paragraph if std::mem::take(&mut item_begins) => {}
                Tag::Paragraph | Tag::Heading { .. } | Tag::CodeBlock(_) => {
                    block_break(&mut out);
                    line_start(&mut out, quote_depth);
                }
                Tag::BlockQuote(_) => {
                    block_break(&mut out);
                    quote_depth += 1;
                }
                Tag::List(start) => {
                    if lists.is_empty() {
                        block_break(&mut out);
                        list_begins = true;
                    }
                    lists.push(start);
                }
                Tag::Item => {
                    if !std::mem::take(&mut list_begins) {
                        let trimmed = out.trim_end_matches([' ', '\n']).len();
                        out.truncate(trimmed);
                        if !out.is_empty() {
                            out.push('\n');
                        }
                    }
                    line_start(&mut out, quote_depth);
                    out.push_str(&"  ".repeat(lists.len().saturating_sub(1)));
                    match lists.last_mut() {
                        Some(Some(n)) => {
                            out.push_str(&format!("{n}. "));
                            *n += 1;
                        }
                        _ => out.push_str("・ "),
                    }
                    item_begins = true;
                }
                Tag::Link { dest_url, .. } => links.push((dest_url.to_string(), out.len())),
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::BlockQuote(_) => quote_depth = quote_depth.saturating_sub(1),
                TagEnd::List(_) => {
                    lists.pop();
                }
                TagEnd::Link => {
                    if let Some((url, began)) = links.pop() {
                        let text = out.get(began..).unwrap_or_default().to_owned();
                        if text.trim() != url && safe_url(&url) {
                            out.push_str(&format!(" ({url})"));
                        }
                    }
                }
                _ => {}
            },
            Event::Text(text) | Event::Code(text) | Event::Html(text) | Event::InlineHtml(text) => {
                item_begins = false;
                for (i, line) in text.split('\n').enumerate() {
                    if i > 0 {
                        out.push('\n');
                        line_start(&mut out, quote_depth);
                    }
                    out.push_str(line);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                out.push('\n');
                line_start(&mut out, quote_depth);
            }
            Event::Rule => {
                block_break(&mut out);
                out.push_str("----");
            }
            _ => {}
        }
    }
    out.trim_end().to_owned()
}

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Escapes `text`, linking the bare `http(s)://` URLs in it.
fn linkify(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(at) = find_url(rest) {
        escape(&rest[..at], out);
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
            .unwrap_or(tail.len());
        // Trailing punctuation belongs to the sentence, not to the URL.
        let url = tail[..end].trim_end_matches(['.', ',', ')', '」', '。', '、']);
        if url.len() <= "https://".len() {
            escape(url, out);
        } else {
            anchor_open(url, out);
            escape(url, out);
            out.push_str("</a>");
        }
        rest = &tail[url.len().max(1)..];
    }
    escape(rest, out);
}

fn find_url(text: &str) -> Option<usize> {
    match (text.find("https://"), text.find("http://")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn anchor_open(url: &str, out: &mut String) {
    out.push_str("<a href=\"");
    escape(url, out);
    out.push_str("\" rel=\"noopener noreferrer\">");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_subset() {
        let html = to_html(
            "**影響** があります。\n詳細は [こちら](https://example.com/a?b=1&c=2)。\n\n- 認証\n- `API`",
        );
        assert_eq!(
            html,
            "<p><strong>影響</strong> があります。<br>詳細は <a href=\"https://example.com/a?b=1&amp;c=2\" \
             rel=\"noopener noreferrer\">こちら</a>。</p><ul><li>認証</li><li><code>API</code></li></ul>"
        );
    }

    #[test]
    fn bare_urls_are_linked_without_trailing_punctuation() {
        assert_eq!(
            to_html("See https://status.example.com."),
            "<p>See <a href=\"https://status.example.com\" rel=\"noopener noreferrer\">\
             https://status.example.com</a>.</p>"
        );
    }

    #[test]
    fn a_list_may_follow_a_line_of_text() {
        assert_eq!(
            to_html("対象:\n- 認証\n- 請求\n\n1. 停止\n2. 再開"),
            "<p>対象:</p><ul><li>認証</li><li>請求</li></ul><ol><li>停止</li><li>再開</li></ol>"
        );
    }

    #[test]
    fn raw_html_and_unsafe_links_are_shown_as_text() {
        assert_eq!(
            to_html("<b>x</b> [y](javascript:alert(1)) [z](mailto:ops@example.com)"),
            "<p>&lt;b&gt;x&lt;/b&gt; y <a href=\"mailto:ops@example.com\" \
             rel=\"noopener noreferrer\">z</a></p>"
        );
        assert_eq!(to_html("# 概要\n本文"), "<h3>概要</h3><p>本文</p>");
    }

    #[test]
    fn plain_text_reads_without_markers() {
        let source = "**影響**があります。詳細は [こちら](https://example.com/a)。\n次の行\n\n\
                      対象:\n- 認証\n- `API`\n\n1. 停止\n2. 再開\n\n\
                      https://status.example.com\n\n> 引用\n> 二行目";
        assert_eq!(
            to_text(source),
            "影響があります。詳細は こちら (https://example.com/a)。\n次の行\n\n\
             対象:\n\n・ 認証\n・ API\n\n1. 停止\n2. 再開\n\n\
             https://status.example.com\n\n> 引用\n> 二行目"
        );
    }

    #[test]
    fn a_loose_list_stays_one_line_an_item() {
        assert_eq!(to_text("- 認証\n\n- 請求"), "・ 認証\n・ 請求");
        assert_eq!(to_text("- 一\n  - 二"), "・ 一\n  ・ 二");
    }

    #[test]
    fn nothing_becomes_markup_that_the_source_did_not_ask_for() {
        for hostile in [
            "<script>alert(1)</script>",
            "[x](javascript:alert(1))",
            "[x](https://a.test/\" onmouseover=\"alert(1))",
            "**<img src=x onerror=alert(1)>**",
            "`<b>`",
            "https://a.test/\"><script>",
            "<img src=x onerror=alert(1)>",
            "[x](JavaScript:alert(1))",
            "[x](data:text/html,<script>alert(1)</script>)",
            "![x](https://a.test/i.png)",
            "<a href=\"javascript:alert(1)\">x</a>",
        ] {
            let html = to_html(hostile);
            assert!(!html.contains("<script"), "{hostile} → {html}");
            assert!(!html.contains("<img"), "{hostile} → {html}");
            assert!(!html.contains("<b>"), "{hostile} → {html}");
            assert!(!html.contains("href=\"javascript"), "{hostile} → {html}");
            assert!(!html.contains("\" onmouseover"), "{hostile} → {html}");
        }
    }

    proptest::proptest! {
        /// Whatever the source, the only tags are the allow-list's, with no attribute but a
        /// link's `href` and `rel` and an ordered list's `start`.
        #[test]
        fn only_allowed_tags_come_out(source in "(\\PC|[<>\\[\\]()*_`#>\\n-]|javascript:|https://){0,80}") {
            let html = to_html(&source);
            let allowed = [
                "p", "br", "h3", "h4", "h5", "ul", "ol", "li", "blockquote", "pre", "code",
                "em", "strong", "del", "a", "hr",
            ];
            for (at, _) in html.match_indices('<') {
                let tag = &html[at + 1..];
                let end = tag.find('>').unwrap_or(tag.len());
                let tag = &tag[..end];
                let name = tag.trim_start_matches('/').split(' ').next().unwrap_or_default();
                proptest::prop_assert!(allowed.contains(&name), "<{}> from {:?}", tag, source);
                for attribute in tag.split(' ').skip(1) {
                    proptest::prop_assert!(
                        attribute.starts_with("href=\"http")
                            || attribute.starts_with("href=\"mailto:")
                            || attribute == "rel=\"noopener"
                            || attribute == "noreferrer\""
                            || attribute.starts_with("start=\""),
                        "{} in <{}> from {:?}", attribute, tag, source
                    );
                }
            }
        }
    }
}
