//! How a person's name reads in each language.

use super::Language;

/// The name as a reader of `lang` expects it. Japanese puts the family name first; English
/// puts the given name first, except for a name written in Japanese script, which keeps its
/// own order in any language ("山田 太郎", never "太郎 山田").
pub fn display_name(family: &str, given: &str, lang: Language) -> String {
    let japanese_script = |s: &str| {
        s.chars().any(|c| {
            matches!(c,
                '\u{3040}'..='\u{30ff}'   // hiragana, katakana
                | '\u{3400}'..='\u{4dbf}' // CJK extension A
                | '\u{4e00}'..='\u{9fff}' // CJK unified ideographs
                | '\u{ff66}'..='\u{ff9f}') // half-width katakana
        })
    };
    if lang == Language::En && !japanese_script(family) && !japanese_script(given) {
        format!("{given} {family}")
    } else {
        format!("{family} {given}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_follows_the_language_and_the_script() {
        assert_eq!(display_name("山田", "太郎", Language::Ja), "山田 太郎");
        assert_eq!(display_name("山田", "太郎", Language::En), "山田 太郎");
        assert_eq!(
            display_name("ヤマダ", "タロウ", Language::En),
            "ヤマダ タロウ"
        );
        assert_eq!(display_name("Yamada", "Taro", Language::En), "Taro Yamada");
        assert_eq!(display_name("Yamada", "Taro", Language::Ja), "Yamada Taro");
    }
}
