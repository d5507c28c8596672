use actix_web::{post, web};
use shared::Problem;
use shared::domain::{Language, TimeZoneName};
use shared::dto::{MailPreview, NoticeDraftRequest, NoticePreview};

use crate::error::ApiResult;
use crate::mail::notice_mail::{NoticeContent, NoticeMailer};
use crate::models::notice::Notice;
use crate::routes::Operator;
use crate::state::AppState;

/// The Japanese and English mails a draft would send, rendered by the same templates as the
/// real ones (operators). Nothing is stored.
#[utoipa::path(
    tag = "notices",
    security(("bearer" = [])),
    request_body = NoticeDraftRequest,
    responses(
        (status = 200, description = "The mails", body = NoticePreview),
        (status = 400, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/notice-previews")]
pub async fn preview(
    state: web::Data<AppState>,
    _operator: Operator,
    body: web::Json<NoticeDraftRequest>,
) -> ApiResult<web::Json<NoticePreview>> {
    let mut draft = body.parse()?;
    let now = state.now().and_utc();
    let slugs = draft.products.clone();
    let products = state
        .db(move |conn| {
            let ids = super::product_ids(conn, &slugs)?;
            Ok(Notice::products_by_id(conn, &ids)?)
        })
        .await?;
    crate::services::notices::fill_placeholders(&mut draft, &products);
    let body_html_ja = shared::markup::to_html(&draft.body_ja);
    let body_html_en = draft.body_en.as_deref().map(shared::markup::to_html);
    let mailer = NoticeMailer::new(
        state.templates.clone(),
        state.unsubscribe.clone(),
        state.settings.public_url.as_str(),
    );
    mailer.remember(
        "preview".into(),
        NoticeContent {
            notice_id: "preview".into(),
            kind: draft.kind,
            title_ja: draft.title_ja,
            title_en: draft.title_en,
            products,
            sequence: 0,
            status: draft.status,
            body_ja: draft.body_ja,
            body_en: draft.body_en,
            starts_at: draft.starts_at,
            ends_at: draft.ends_at,
            issued_at: now,
            earlier: Vec::new(),
            postmortem: false,
            impact: draft.impact,
        },
    );
    let mail = |language| -> ApiResult<MailPreview> {
        let m = mailer.compose("preview", "preview", language, TimeZoneName::DEFAULT, None)?;
        Ok(MailPreview {
            subject: m.mail.subject,
            text: m.mail.text,
            html: m.mail.html,
        })
    };
    Ok(web::Json(NoticePreview {
        mail_ja: mail(Language::Ja)?,
        mail_en: mail(Language::En)?,
        body_html_ja,
        body_html_en,
    }))
}
