//! The small Markdown subset notice bodies may use, rendered to HTML that cannot carry
//! markup of its own: every character of the source is escaped, and only the tags below are
//! ever produced.
//!
//! - blank lines separate paragraphs; a single line break stays a line break;
//! - lines starting with `- ` or `* ` form a bullet list;
//! - `**bold**` and `` `code` ``;
//! - `[text](https://…)` links, `http` and `https` only; bare `https://…` URLs are linked too.
//!
//! The same source is the plain-text mail, so it must read well as it is.

/// Renders `source` to safe HTML.
pub fn to_html(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + source.len() / 4);
    let normalized = source.replace("\r\n", "\n");
    for block in normalized.split("\n\n") {
        let lines: Vec<&str> = block.lines().filter(|l| !l.trim().is_empty()).collect();
        if lines.is_empty() {
            continue;
        }
        if lines.iter().all(|l| bullet(l).is_some()) {
            out.push_str("<ul>");
            for line in lines {
                out.push_str("<li>");
                inline(bullet(line).unwrap_or(line), &mut out);
                out.push_str("</li>");
            }
            out.push_str("</ul>");
        } else {
            out.push_str("<p>");
            for (i, line) in lines.iter().enumerate() {
                if i > 0 {
                    out.push_str("<br>");
                }
                inline(line.trim_end(), &mut out);
            }
            out.push_str("</p>");
        }
    }
    out
}

fn bullet(line: &str) -> Option<&str> {
    let t = line.trim_start();
    t.strip_prefix("- ").or_else(|| t.strip_prefix("* "))
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

fn inline(text: &str, out: &mut String) {
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("**")
            && let Some(end) = after.find("**")
            && end > 0
        {
            out.push_str("<strong>");
            inline(&after[..end], out);
            out.push_str("</strong>");
            rest = &after[end + 2..];
            continue;
        }
        if let Some(after) = rest.strip_prefix('`')
            && let Some(end) = after.find('`')
            && end > 0
        {
            out.push_str("<code>");
            escape(&after[..end], out);
            out.push_str("</code>");
            rest = &after[end + 1..];
            continue;
        }
        if let Some((label, url, used)) = link(rest) {
            anchor(url, label, out);
            rest = &rest[used..];
            continue;
        }
        if rest.starts_with("https://") || rest.starts_with("http://") {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
                .unwrap_or(rest.len());
            // Trailing punctuation belongs to the sentence, not to the URL.
            let url = rest[..end].trim_end_matches(['.', ',', ')', '」', '。', '、']);
            anchor(url, url, out);
            rest = &rest[url.len()..];
            continue;
        }
        let mut chars = rest.chars();
        let c = chars.next().unwrap_or_default();
        escape(c.encode_utf8(&mut [0; 4]), out);
        rest = chars.as_str();
    }
}

/// `[label](http…)` at the start of `s`: the label, the URL and the bytes consumed.
fn link(s: &str) -> Option<(&str, &str, usize)> {
    let after = s.strip_prefix('[')?;
    let close = after.find("](")?;
    let label = &after[..close];
    let target = &after[close + 2..];
    let end = target.find(')')?;
    let url = &target[..end];
    let safe = (url.starts_with("https://") || url.starts_with("http://"))
        && !url.contains(char::is_whitespace)
        && !label.is_empty();
    safe.then_some((label, url, 1 + close + 2 + end + 1))
}

fn anchor(url: &str, label: &str, out: &mut String) {
    out.push_str("<a href=\"");
    escape(url, out);
    out.push_str("\" rel=\"noopener noreferrer\">");
    escape(label, out);
    out.push_str("</a>");
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
    fn nothing_becomes_markup_that_the_source_did_not_ask_for() {
        for hostile in [
            "<script>alert(1)</script>",
            "[x](javascript:alert(1))",
            "[x](https://a.test/\" onmouseover=\"alert(1))",
            "**<img src=x onerror=alert(1)>**",
            "`<b>`",
            "https://a.test/\"><script>",
        ] {
            let html = to_html(hostile);
            assert!(!html.contains("<script"), "{hostile} → {html}");
            assert!(!html.contains("<img"), "{hostile} → {html}");
            assert!(!html.contains("<b>"), "{hostile} → {html}");
            assert!(!html.contains("href=\"javascript"), "{hostile} → {html}");
            assert!(!html.contains("\" onmouseover"), "{hostile} → {html}");
        }
    }
}
