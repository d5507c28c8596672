//! A MIME body that many mails share but for one value (each address's unsubscribe link),
//! encoded once up to where that value first appears.
//!
//! The two transfer encodings lettre picks for text are local: quoted-printable starts afresh
//! after every line break, base64 after every 57 input bytes (one 76-character line of
//! output). So the encoding of a whole mail is the encoding of the shared text up to the last
//! such point before the value, followed by the encoding of the rest. The first part is
//! encoded here once per publication, language and time zone; each mail encodes only the
//! rest, which for notice mails is the footer. Encoding whole bodies was a tenth of the
//! dispatcher's CPU time.

use lettre::message::Body;
use lettre::message::header::ContentTransferEncoding;

/// The shared part encoded, and the rest still to be encoded per mail.
#[derive(Debug)]
pub struct SplicedBody {
    encoding: ContentTransferEncoding,
    /// The encoding of the text before the split point.
    head: Vec<u8>,
    /// Between the encoded head and the encoded rest: base64 lines are joined by a line
    /// break that neither part ends with; a quoted-printable head ends with its own.
    joint: &'static [u8],
    /// The text from the split point on, with CRLF line endings, cut at each occurrence of
    /// the placeholder (so one more piece than occurrences).
    pieces: Vec<Vec<u8>>,
}

const CRLF: &[u8] = b"\r\n";
/// Input bytes per line of base64 output.
const BASE64_LINE: usize = 57;

impl SplicedBody {
    /// Prepares `text`, which holds `placeholder` at least once. `None` where nothing is
    /// gained: bodies lettre sends unencoded, or without the placeholder.
    pub fn new(text: &str, placeholder: &str) -> Option<Self> {
        // What lettre makes of the whole text, with the placeholder standing for the value.
        let whole = Body::new(text.to_owned());
        let encoding = whole.encoding();
        // The same line endings lettre gives a `String` body; `Binary` leaves it unencoded.
        let text = Body::new_with_encoding(text.to_owned(), ContentTransferEncoding::Binary)
            .ok()?
            .into_vec();
        let first = find(&text, placeholder.as_bytes(), 0)?;
        let split = match encoding {
            ContentTransferEncoding::Base64 => first - first % BASE64_LINE,
            ContentTransferEncoding::QuotedPrintable => text[..first]
                .windows(CRLF.len())
                .rposition(|w| w == CRLF)
                .map_or(0, |i| i + CRLF.len()),
            _ => return None,
        };
        let (head, rest) = text.split_at(split);
        let mut pieces = Vec::new();
        let mut from = 0;
        while let Some(at) = find(rest, placeholder.as_bytes(), from) {
            pieces.push(rest[from..at].to_vec());
            from = at + placeholder.len();
        }
        pieces.push(rest[from..].to_vec());
        let joint = match encoding {
            ContentTransferEncoding::Base64 if !head.is_empty() => CRLF,
            _ => b"",
        };
        let spliced = Self {
            encoding,
            head: encode(head.to_vec(), encoding)?,
            joint,
            pieces,
        };
        // The split relies on each encoding's locality; check it once against the whole.
        (spliced.body(placeholder)?.into_vec() == whole.into_vec()).then_some(spliced)
    }

    /// The body with `value` in place of the placeholder, encoded as lettre would encode it.
    /// `value` must hold no line break (a URL).
    pub fn body(&self, value: &str) -> Option<Body> {
        let mut rest = Vec::with_capacity(
            self.pieces.iter().map(Vec::len).sum::<usize>() + value.len() * (self.pieces.len() - 1),
        );
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                rest.extend_from_slice(value.as_bytes());
            }
            rest.extend_from_slice(piece);
        }
        let rest = encode(rest, self.encoding)?;
        let mut encoded = Vec::with_capacity(self.head.len() + self.joint.len() + rest.len());
        encoded.extend_from_slice(&self.head);
        if !rest.is_empty() {
            encoded.extend_from_slice(self.joint);
        }
        encoded.extend_from_slice(&rest);
        Some(Body::dangerous_pre_encoded(encoded, self.encoding))
    }
}

/// `bytes` (CRLF line endings already) in `encoding`, by lettre's own encoder.
fn encode(bytes: Vec<u8>, encoding: ContentTransferEncoding) -> Option<Vec<u8>> {
    Body::new_with_encoding(bytes, encoding)
        .ok()
        .map(Body::into_vec)
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

#[cfg(test)]
mod tests {
    use anyhow::Context;
    use rand::Rng;

    use super::*;

    const SLOT: &str = "shirase-unsubscribe-link-3f9c2e";

    /// Whether `text` was spliced; if so, that it gave the bytes lettre makes of the whole
    /// personalised text.
    fn check(text: &str, value: &str) -> anyhow::Result<bool> {
        let Some(spliced) = SplicedBody::new(text, SLOT) else {
            // Only a text lettre would not encode is left to it.
            let encoding = Body::new(text.to_owned()).encoding();
            assert!(
                !matches!(
                    encoding,
                    ContentTransferEncoding::Base64 | ContentTransferEncoding::QuotedPrintable
                ),
                "{encoding:?} {text:?}"
            );
            return Ok(false);
        };
        let body = spliced.body(value).context("no body")?;
        let whole = Body::new_with_encoding(text.replace(SLOT, value), spliced.encoding)
            .map_err(|_| anyhow::anyhow!("lettre refused the encoding"))?;
        assert_eq!(body.encoding(), whole.encoding());
        assert_eq!(
            String::from_utf8(body.into_vec())?,
            String::from_utf8(whole.into_vec())?,
            "{text:?}"
        );
        Ok(true)
    }

    #[test]
    fn japanese_text_is_base64_and_splices_exactly() -> anyhow::Result<()> {
        let text = format!(
            "以下の故障情報をお知らせします。\n\n件名：認証エラー\n{}\n\n配信停止：\n{SLOT}\n配信設定の変更：https://support.example.com/mysupport\n",
            "現在、ID Federation で認証エラーが発生しています。".repeat(20)
        );
        let spliced = SplicedBody::new(&text, SLOT).context("not spliced")?;
        assert_eq!(spliced.encoding, ContentTransferEncoding::Base64);
        // Most of the mail is encoded once.
        assert!(spliced.head.len() > text.len());
        assert!(check(
            &text,
            "https://support.example.com/unsubscribe/p1.r1.abc"
        )?);
        assert!(check(&text, "")?);
        Ok(())
    }

    #[test]
    fn markup_with_long_ascii_lines_is_quoted_printable_and_splices_exactly() -> anyhow::Result<()>
    {
        let html = format!(
            "<p style=\"font-size:12px;color:#6b7785;margin:0 0 16px;\">{}</p>\n<p>受け取らない場合は<a href=\"{SLOT}\">配信停止</a>できます。</p>\n</body>\n",
            "Long ASCII markup with a few words of Japanese, 時刻 and = signs. ".repeat(8)
        );
        let spliced = SplicedBody::new(&html, SLOT).context("not spliced")?;
        assert_eq!(spliced.encoding, ContentTransferEncoding::QuotedPrintable);
        assert!(!spliced.head.is_empty());
        assert!(check(
            &html,
            "https://support.example.com/unsubscribe/p1.r1.x=y&amp;z"
        )?);
        Ok(())
    }

    #[test]
    fn the_value_may_appear_anywhere_and_more_than_once() -> anyhow::Result<()> {
        for text in [
            format!("{SLOT} 配信停止 {SLOT}\n終わり"),
            format!("配信停止\n{SLOT}"),
            format!("x\ty \n{SLOT} \nz 配信停止"),
        ] {
            assert!(check(&text, "https://a.example/u/1")?, "{text:?}");
        }
        Ok(())
    }

    #[test]
    fn plain_short_ascii_is_left_to_lettre() {
        assert!(SplicedBody::new(&format!("Unsubscribe:\n{SLOT}\n"), SLOT).is_none());
        assert!(SplicedBody::new("配信停止はマイサポートで", SLOT).is_none());
    }

    #[test]
    fn random_texts_splice_exactly() -> anyhow::Result<()> {
        let alphabet: Vec<char> = "ab =.\t\r\n配信停止ー😀<>\"".chars().collect();
        let mut rng = rand::rng();
        let mut spliced = 0;
        for _ in 0..500 {
            let mut text = String::new();
            for _ in 0..rng.random_range(0..400) {
                text.push(alphabet[rng.random_range(0..alphabet.len())]);
            }
            let at = rng.random_range(0..=text.chars().count());
            let at = text.char_indices().nth(at).map_or(text.len(), |(i, _)| i);
            text.insert_str(at, SLOT);
            if rng.random_bool(0.3) {
                text.push_str(SLOT);
            }
            spliced += usize::from(check(
                &text,
                "https://support.example.com/unsubscribe/p.r.t",
            )?);
        }
        // Texts lettre sends unencoded are a small share of these.
        assert!(spliced > 400, "{spliced} of 500 spliced");
        Ok(())
    }
}
