//! The one message catalogue: every text a customer or operator reads, in Japanese and English.
//! The SPA, the server's mails and feeds, and the field-error codes ([`crate::FieldCode`]) all
//! take their words from here, so a label is written once and a language cannot be missing:
//! an entry without both texts does not compile, and a test refuses an empty one.

use crate::domain::{Language, Weekday};
use crate::dto::{NoticeKind, NoticeStatus};
use crate::problem::{FieldCode, Problem, ProblemKind};

macro_rules! catalogue {
    ($($name:ident => $ja:literal, $en:literal;)*) => {
        /// One text of the catalogue; [`Msg::text`] gives it in a language.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg { $($name),* }

        impl Msg {
            /// Every message, for checks over the whole catalogue.
            pub const ALL: &'static [Msg] = &[$(Msg::$name),*];

            pub fn text(self, lang: Language) -> &'static str {
                // Two tables indexed by the message: data, where a `match` over every
                // message and language was one of the largest functions of the SPA.
                const JA: &[&str] = &[$($ja),*];
                const EN: &[&str] = &[$($en),*];
                let table = match lang {
                    Language::Ja => JA,
                    Language::En => EN,
                };
                table[self as usize]
            }
        }
    };
}

catalogue! {
    SiteName => "お客さまサポート", "Customer Support";
    Home => "トップ", "Home";
    MySupport => "マイサポート", "My Support";
    Register => "新規登録", "Sign up";
    Login => "ログイン", "Log in";
    Logout => "ログアウト", "Log out";
    HeroTitle => "工事・故障情報を、必要な人に、必要なときに。", "Maintenance and outage notices, to the right people at the right time.";
    HeroBody => "ご利用の商品を登録すると、工事情報・故障情報をメールでお届けします。配信先のメールアドレスと、受け取る曜日・時間帯を選べます。", "Register the products you use and receive their maintenance and outage notices by email, at the addresses, weekdays and hours you choose.";
    HeroCta => "お客さまサポートIDを登録する", "Get a customer support ID";
    FeatureMaintenance => "工事情報", "Maintenance";
    FeatureMaintenanceBody => "計画工事の日時と影響をお知らせします。", "Planned work, its window and its impact.";
    FeatureOutage => "故障情報", "Outages";
    FeatureOutageBody => "発生から復旧まで、状況をお届けします。", "From detection to recovery, as it happens.";
    FeatureHours => "配信先・時間帯", "Your addresses and hours";
    FeatureHoursBody => "アドレスごとに曜日と時間帯を選べます。", "Choose the weekdays and hours of each address.";
    Products => "商品一覧", "Products";
    HaveId => "IDをお持ちの方", "Already have an ID?";
    StepInput => "入力", "Details";
    StepConfirm => "確認", "Review";
    StepSent => "仮登録", "Provisional";
    StepActivate => "本登録", "Activate";
    StepDone => "完了", "Done";
    RegisterTitle => "お客さまサポートIDの登録", "Register a customer support ID";
    RegisterLead => "必要事項を入力してください。入力したパスワードは本登録時に必要ですので、お忘れにならないようご注意ください。", "Fill in the form. You will need the password again to activate your ID, so keep it in mind.";
    ErrorSummary => "入力内容を確認してください。", "Please correct the following.";
    Required => "必須", "Required";
    Optional => "任意", "Optional";
    Email => "メールアドレス（ログインID）", "Email address (login ID)";
    Password => "パスワード", "Password";
    PasswordHint => "10文字以上。長いフレーズがおすすめです。", "At least 10 characters. A long phrase works best.";
    PasswordAgain => "パスワード（確認）", "Password (again)";
    FamilyName => "姓", "Family name";
    GivenName => "名", "Given name";
    Company => "会社名", "Company";
    Department => "部署名", "Department";
    Phone => "電話番号", "Phone";
    Language => "ご利用言語", "Language";
    ToConfirm => "確認画面へ", "Review";
    Back => "戻る", "Back";
    ConfirmTitle => "入力内容の確認", "Review your details";
    ConfirmLead => "内容をご確認のうえ、「仮登録する」をクリックしてください。", "Check your details, then select “Register provisionally”.";
    Provisional => "仮登録する", "Register provisionally";
    SentTitle => "仮登録が完了しました", "Provisional registration complete";
    SentBody => "ご登録のメールアドレスに本登録用のURLをお送りしました。24時間以内にURLを開き、本登録を行ってください。", "We have mailed you a link to activate your ID. Open it within 24 hours to complete the registration.";
    SentTo => "送信先", "Sent to";
    SentNoMail => "メールが届かない場合は、迷惑メールフォルダをご確認のうえ、もう一度新規登録を行ってください。", "No mail? Check your spam folder, or sign up again.";
    ActivateTitle => "本登録", "Activate your ID";
    ActivateLead => "仮登録で設定したパスワードを再度入力し、本登録を行ってください。", "Enter the password you chose when signing up to activate your ID.";
    ActivateButton => "本登録する", "Activate";
    Checking => "確認しています…", "Checking…";
    ExpiredTitle => "このURLは無効です", "This link is no longer valid";
    ExpiredBody => "URLの有効期限（24時間）が切れているか、すでに使用されています。お手数ですが、もう一度新規登録を行ってください。", "It has expired (links last 24 hours) or was already used. Please sign up again.";
    UnknownLinkBody => "URLが正しくありません。メールに記載されたURLをそのまま開いてください。", "This link is not valid. Open the link exactly as it appears in the mail.";
    StartOver => "新規登録をやり直す", "Sign up again";
    CompleteTitle => "本登録が完了しました", "Your ID is active";
    CompleteLead => "規約をご確認いただき、「規約に同意してマイサポートを利用する」をクリックしてください。", "Read the terms, then select “Accept the terms and use My Support”.";
    AcceptTerms => "規約に同意してマイサポートを利用する", "Accept the terms and use My Support";
    TermsTitle => "利用規約", "Terms of use";
    FirstTermsLead => "マイサポートをご利用いただくには、利用規約をお読みのうえ同意してください。", "To use My Support, read the terms of use and accept them.";
    NewTermsLead => "利用規約が改定されました。マイサポートを引き続きご利用いただくには、改定後の規約に同意してください。", "The terms of use have changed. Accept the new version to keep using My Support.";
    Welcome => "ようこそ、", "Welcome, ";
    Sama => "様", "";
    Subscriptions => "登録中のサポート情報一覧", "Your support information";
    NoSubscriptions => "登録中のサポート情報はありません。", "You have not added any support information yet.";
    AddSupportInfo => "法人のお客様向けサポート情報を追加", "Add support information for corporate customers";
    Account => "登録情報", "Your details";
    LoginTitle => "ログイン", "Log in";
    LoginFailed => "メールアドレスまたはパスワードが正しくありません。", "The email address or password is not correct.";
    ForgotPassword => "パスワードをお忘れの方", "Forgot your password?";
    NoId => "IDをお持ちでない方", "No ID yet?";
    ResetTitle => "パスワードの再設定", "Reset your password";
    ResetLead => "ご登録のメールアドレスを入力してください。パスワード再設定用のURLをお送りします。", "Enter your email address and we will send you a link to choose a new password.";
    ResetSend => "再設定メールを送る", "Send the reset link";
    ResetSent => "ご登録がある場合、パスワード再設定用のメールをお送りしました。URLの有効期限は1時間です。", "If the address has an ID, a reset link is on its way. It is valid for 1 hour.";
    NewPassword => "新しいパスワード", "New password";
    ResetButton => "パスワードを変更する", "Change password";
    ResetDone => "パスワードを変更しました。新しいパスワードでログインしてください。", "Your password has been changed. Log in with the new one.";
    ResetExpired => "このURLは有効期限切れか、すでに使用されています。もう一度お申し込みください。", "This link has expired or was already used. Please ask for a new one.";
    TooMany => "試行回数が多すぎます。しばらく待ってからもう一度お試しください。", "Too many attempts. Please wait a while and try again.";
    Unexpected => "処理を完了できませんでした。時間をおいて再度お試しください。", "Something went wrong. Please try again later.";
    NotFoundTitle => "ページが見つかりません", "Page not found";
    Loading => "読み込み中…", "Loading…";
    Notices => "工事・故障情報", "Notices";
    NoticesLead => "公開中の工事情報・故障情報です。新しいものから表示しています。", "Published maintenance and outage notices, newest first.";
    KindMaintenance => "工事情報", "Maintenance";
    KindOutage => "故障情報", "Outage";
    AllKinds => "すべての種別", "All kinds";
    AllProducts => "すべての商品", "All products";
    FilterProduct => "商品", "Product";
    FilterKind => "種別", "Kind";
    NoNotices => "該当するお知らせはありません。", "No notices match.";
    NoNoticesYet => "まだお知らせはありません。", "No notices have been published yet.";
    AtomFeedLink => "Atom フィードで購読", "Follow in a feed reader (Atom)";
    IcsFeedLink => "工事予定をカレンダーに追加 (iCalendar)", "Add maintenance to a calendar (iCalendar)";
    MoreNotices => "さらに表示", "Show more";
    NoticeStarted => "発生日時", "Started";
    NoticeWindow => "作業予定", "Planned window";
    NoticeStatus => "状況", "Status";
    NoticeProducts => "対象", "Products";
    NoticeUpdates => "更新情報", "Updates";
    NoticePublished => "掲載", "Published";
    BackToNotices => "工事・故障情報の一覧へ", "All notices";
    RecentNotices => "最近の工事・故障情報", "Recent notices";
    NoticeNotFound => "このお知らせは見つかりませんでした。", "This notice was not found.";
    UnsubscribeTitle => "メール配信の停止", "Unsubscribe";
    UnsubscribeLead => "このメールを受け取ったアドレスへの、この商品の同じ種別（工事情報または故障情報）のメール配信を停止します。他の配信先や、他の種別のメールは変わりません。", "Stop this kind of notice mail (maintenance or outage) for this product at the address that received the mail. Other addresses and the other kind are not affected.";
    DoUnsubscribe => "配信を停止する", "Unsubscribe";
    UnsubscribeDone => "配信を停止しました。マイサポートからいつでも再開できます。", "Unsubscribed. You can resume at any time in My Support.";
    UnsubscribeInvalid => "この配信停止リンクは無効です。", "This unsubscribe link is not valid.";
    OptedOut => "配信停止中", "Unsubscribed";
    Resume => "再開する", "Resume";
    SupportListTitle => "法人のお客さま向けサポート情報一覧", "Support information for corporate customers";
    SupportListLead => "サポート情報を確認したい商品のカテゴリーを選択してください。", "Choose the category of the product you use.";
    ProductsOf => "の商品一覧", ": products";
    RegisterToMySupport => "マイサポートへ登録", "Add to My Support";
    RegisteredInMySupport => "マイサポートへ登録済", "In My Support";
    RegisterConfirmSuffix => "をマイサポートに登録します。", " will be added to My Support.";
    DoRegister => "登録する", "Add";
    Cancel => "キャンセル", "Cancel";
    Retired => "提供終了", "Retired";
    RetiredNote => "この商品は提供を終了しました。新たにマイサポートへ登録することはできません。", "This product is retired and can no longer be added to My Support.";
    LoginToRegister => "ログインしてマイサポートへ登録", "Log in to add to My Support";
    MailSettingsStatus => "メール配信設定状況", "Mail settings";
    MaintenanceMail => "工事情報メール", "Maintenance mail";
    UnsubscribeKind => "停止するメール", "Mail to stop";
    UnsubscribeNotice => "受け取ったお知らせ", "The notice received";
    OutageMail => "故障情報メール", "Outage mail";
    On => "配信中", "On";
    Off => "停止", "Off";
    Remove => "削除", "Remove";
    RemoveConfirmSuffix => "をマイサポートから削除します。よろしいですか？", " will be removed from My Support. Continue?";
    DoRemove => "削除する", "Remove";
    MailSettingsTitle => "工事・故障情報メールの設定", "Maintenance and outage mail settings";
    MailSettingsLead => "受け取るメールにチェックを入れてください。", "Tick the mails you want to receive.";
    MailConfirmTitle => "工事・故障情報メールの設定確認", "Confirm your mail settings";
    MailConfirmLead => "以下の内容で登録します。", "These settings will be saved.";
    RegisteredItems => "登録項目", "Settings";
    NoMailChosen => "メールを受け取りません", "No mail";
    MailDoneTitle => "登録が完了しました", "Your settings are saved";
    MailDoneBody => "工事・故障情報メールの設定を保存しました。次に発行されるお知らせから、この設定でお届けします。", "Your maintenance and outage mail settings are saved. They apply from the next notice issued.";
    BackToMySupport => "マイサポートトップへ戻る", "Back to My Support";
    Category => "カテゴリー", "Category";
    Product => "商品", "Product";
    Recipients => "配信先メールアドレス", "Delivery addresses";
    RecipientEmail => "配信先メールアドレス", "Delivery address";
    RecipientsTab => "工事・故障情報メール配信先 登録・変更", "Maintenance and outage mail addresses";
    RecipientsPagePrefix => "配信先メールアドレスの追加や曜日・時間の変更は、", "To add an address or change its weekdays and hours, ";
    RecipientsPageLink => "こちらのページから登録が可能です", "use this page";
    RecipientsPageSuffix => "。", ".";
    RecipientsLead => "配信先ごとに、メールを受け取る曜日と時間帯を選べます。選択されていない曜日・時間に発生した工事・故障情報は配信されませんので、全ての曜日・時間を選択しておくことをおすすめします。", "Each address receives notices only on the weekdays and hours you choose. Notices issued outside them are not sent, so we recommend selecting every weekday and hour.";
    Weekdays => "配信希望曜日", "Weekdays";
    Hours => "配信希望時間", "Hours";
    AllDaysAllHours => "全ての曜日・全ての時間", "Every weekday, every hour";
    Pending => "確認待ち", "Awaiting confirmation";
    Verified => "確認済み", "Confirmed";
    Resend => "確認メールを再送", "Resend confirmation";
    Resent => "確認メールを再送しました。", "The confirmation mail was sent again.";
    LoginAddressSuspended => "ログインIDのメールアドレス宛てのメールが受け取りを拒否されたため、このアドレスへの配信を停止しています。アドレスを確認し、配信先メールアドレスの画面で再開してください。", "Mail to your login address was refused, so nothing is sent to it. Check the address, then resume it on the delivery addresses page.";
    RecipientSuspended => "配信停止中（バウンス）", "Suspended (bounced)";
    SuspendedNoSuchUser => "宛先のメールボックスが存在しないとして受け取りを拒否されたため、配信を停止しています。", "Its mail server said the mailbox does not exist, so notices are stopped.";
    SuspendedRepeatedFailures => "続けて受け取りを拒否されたため、配信を停止しています。", "Its mail server refused our mail several times in a row, so notices are stopped.";
    SuspendedSince => "停止日時", "Stopped at";
    ServerReply => "メールサーバーの応答", "The mail server answered";
    SuspendedResumeHint => "アドレスを確認のうえ「再開する」を押すと、確認メールをお送りします。リンクを開くと配信を再開します。", "Once the address works, select Resume: we send a confirmation link, and notices resume once you open it.";
    ResumedRecipient => "確認メールを送信しました。メールのリンクを開くと配信を再開します。", "A confirmation mail is on its way; notices resume once you open its link.";
    Edit => "変更", "Edit";
    NewRecipient => "新規登録", "Add an address";
    ChangeRecipients => "配信先メールアドレスの変更", "Change delivery addresses";
    NewRecipientTitle => "配信先メールアドレスの新規登録", "Add a delivery address";
    EditRecipientTitle => "配信先メールアドレスの変更", "Edit a delivery address";
    RecipientConfirmTitle => "配信先の登録内容の確認", "Confirm the delivery address";
    RecipientDoneTitle => "配信先の登録が完了しました", "The delivery address is saved";
    RecipientDoneNew => "確認メールを送信しました。メール内のURLを開いて確認すると配信が始まります。", "We sent a confirmation mail. Delivery starts once the address is confirmed from it.";
    RecipientDoneEdit => "変更を保存しました。", "Your changes are saved.";
    PresetAll => "全て", "All";
    GridLabel => "配信希望曜日・時間", "Delivery weekdays and hours";
    PresetBusiness => "平日 9:00–18:00", "Weekdays 9:00–18:00";
    EveryHour => "終日", "every hour";
    PresetNone => "なし", "None";
    GridHelp => "曜日・時間のボタンで選択します（クリック、タップ、またはキーボードのEnter/Space）。時間はドラッグでまとめて選べます。", "Toggle weekdays and hours with their buttons (click, tap, or Enter/Space). Drag across hours to select several.";
    EmptyWindowWarning => "曜日または時間が1つも選択されていないため、この配信先にはメールが届きません。", "No weekday or no hour is selected: this address will receive nothing.";
    CoverageWarning => "どの配信先にも故障情報メールが届かない時間帯があります（週168時間のうち", "Some hours of the week reach none of your addresses with outage mail (of the 168 hours in a week, ";
    CoverageWarningEnd => "時間）。", " are uncovered).";
    TemplatesTitle => "お知らせの雛形", "Notice templates";
    TemplatesLead => "よく使うお知らせの種別・件名・本文を雛形として保存し、そこから下書きを作成できます。", "Keep the kind, titles and bodies of notices you write often, and start drafts from them.";
    NoTemplates => "雛形はまだありません。", "No templates yet.";
    NewTemplate => "雛形を追加", "Add a template";
    EditTemplate => "雛形を変更", "Edit the template";
    TemplateName => "雛形の名前", "Template name";
    SaveTemplate => "雛形を保存", "Save the template";
    UseTemplate => "この雛形で作成", "Start a draft";
    Clear => "クリア", "Clear";
    DeleteTemplateConfirm => "この雛形を削除します。作成済みのお知らせは変わりません。", "This template will be deleted. Notices made from it stay as they are.";
    PlaceholdersHint => "差し込み項目：{{product}}（対象商品）、{{starts_at}}（開始日時）、{{ends_at}}（終了日時）。下書きの保存時に日本時間で差し込まれます。", "Placeholders: {{product}} (the products), {{starts_at}} (start), {{ends_at}} (end), filled in (in JST) when the draft is saved.";
    AccountTitle => "アカウント設定", "Account settings";
    LoginId => "ログインID（メールアドレス）", "Login ID (email address)";
    EmailChangeTitle => "ログインIDの変更", "Change the login ID";
    EmailChangeLead => "新しいアドレスに確認メールを送ります。メールのURLを開いて確定するまで、ログインIDは変わりません。現在のアドレスにもお知らせが届きます。", "A confirmation mail goes to the new address. Your login ID stays as it is until you open its link. Your current address is told as well.";
    NewLoginId => "新しいログインID（メールアドレス）", "New login ID (email address)";
    CurrentPassword => "現在のパスワード", "Current password";
    SendConfirmation => "確認メールを送る", "Send the confirmation mail";
    EmailChangeSent => "確認メールを送りました。メールのURLを開くと変更が確定します：", "The confirmation mail is on its way. Open its link to complete the change:";
    EmailConfirmTitle => "ログインIDの変更の確定", "Confirm the new login ID";
    EmailConfirmLead => "サポートIDのログインIDを次のアドレスに変更します。", "Your support ID's login ID becomes this address:";
    EmailConfirmButton => "変更を確定する", "Confirm the change";
    EmailChangeDone => "ログインIDを変更しました。次回から新しいアドレスでログインしてください。", "Your login ID has changed. Sign in with the new address from now on.";
    EmailChangeTaken => "このアドレスは別のサポートIDで使われているため、変更できませんでした。", "Another support ID uses this address, so the change could not be made.";
    AnnounceLifecycle => "開始・終了を通知する", "Announce the start and the end";
    AnnounceLifecycleHint => "公開後、開始日時に「実施中」、終了日時に「完了」へ自動で切り替わり、続報として掲載されます。チェックすると、そのたびに配信先へも送ります。", "Once published, the notice turns to in progress at its start and to completed at its end by itself, each time as a follow-up on the site. Ticked, each follow-up is also sent to subscribers.";
    ScheduleTitle => "予約公開", "Scheduled publication";
    PublishAt => "公開日時（日本時間）", "Publish at (JST)";
    ScheduleHint => "この日時（日本時間）に自動で公開し、その時点の配信先に送ります。公開までは下書きとして編集できます。", "Published automatically at this time (JST), to the audience of that moment. Until then it stays an editable draft.";
    DoSchedule => "予約する", "Schedule";
    ScheduledBadge => "予約済み", "Publication scheduled";
    ScheduledLead => "に公開されます。", "is when it will be published.";
    Unschedule => "予約を取り消す", "Unschedule";
    HolidaysLegend => "祝日・年末年始", "Public holidays and year-end";
    HolidaysDeliver => "祝日も配信する", "Deliver on public holidays too";
    HolidaysSkip => "祝日（振替休日を含む）は配信しない", "Not on Japan's public holidays (substitute holidays included)";
    HolidaysSkipWithYearEnd => "祝日と年末年始（12/29〜1/3）は配信しない", "Not on public holidays nor from 29 December to 3 January";
    HolidaysHint => "祝日は内閣府の「国民の祝日」一覧により、配信先のタイムゾーンの日付で判定します。", "Holidays follow the Cabinet Office's list of Japan's national holidays, by the date in the address's time zone.";
    StatusNav => "稼働状況", "Status";
    StatusTitle => "サービスの稼働状況", "Service status";
    StatusAllOperational => "すべてのサービスが正常に稼働しています。", "All services are operating normally.";
    StatusMaintenanceNow => "メンテナンス中のサービスがあります。", "Some services are under maintenance.";
    StatusIssuesNow => "一部のサービスで障害が発生しています。", "Some services have problems.";
    StatusLegend => "色の意味", "Legend";
    StatusHistory => "過去90日", "Last 90 days";
    StatusDaysAgo => "90日前", "90 days ago";
    StatusToday => "今日", "Today";
    StateOperational => "正常", "Operational";
    StateMaintenance => "メンテナンス中", "Under maintenance";
    StateDegraded => "性能低下", "Degraded";
    StatePartialOutage => "一部障害", "Partial outage";
    StateMajorOutage => "重大障害", "Major outage";
    ImpactLabel => "影響度", "Impact";
    ImpactHint => "障害が続くあいだ、稼働状況ページで対象商品に表示されます。", "Shown for the products on the status page while the outage lasts.";
    RemindersLegend => "メンテナンスのリマインド", "Maintenance reminders";
    Reminder24h => "開始の24時間前", "24 hours before the start";
    Reminder1h => "開始の1時間前", "1 hour before the start";
    RemindersHint => "配信時間外にあたる場合は、その前の最後の配信時間に送ります。その間に配信時間がなければ送りません。", "If that falls outside the delivery hours, the reminder goes in the last delivery hour before it; if there is none before the start, it is not sent.";
    RemindersNone => "リマインドなし", "No reminders";
    HoldLegend => "配信時間外のお知らせ", "Notices outside the delivery hours";
    HoldLabel => "配信時間の開始時にまとめて受け取る", "Receive them together when the delivery hours begin";
    HoldHint => "選ばない場合（初期設定）、配信時間外に発行されたお知らせはこの配信先に送りません。", "Unticked (the default), notices issued outside the delivery hours are not sent here.";
    HoldShort => "時間外分はまとめて受け取る", "outside hours: sent together later";
    SkipShort => "時間外分は受け取らない", "outside hours: not sent";
    LogReminder => "リマインド", "Reminder";
    LogDueAt => "送信予定", "Due";
    HolidaysSkipShort => "祝日を除く", "except public holidays";
    HolidaysSkipWithYearEndShort => "祝日・年末年始を除く", "except public holidays and year-end";
    CoverageHolidays => "祝日には、さらに", "On public holidays, ";
    CoverageHolidaysEnd => "時間どの配信先にも届きません。", " more hours reach none of your addresses.";
    CoverageYearEnd => "年末年始（12/29〜1/3）には、さらに", "From 29 December to 3 January, ";
    TimeZone => "タイムゾーン", "Time zone";
    DoDelete => "削除する", "Delete";
    DeleteRecipientSuffix => " を配信先から削除します。よろしいですか？", " will be removed from your delivery addresses. Continue?";
    VerifyTitle => "配信先メールアドレスの確認", "Confirm your delivery address";
    VerifyLead => "「確認する」を押すと、このメールアドレスへの工事・故障情報メールの配信が始まります。", "Select “Confirm” to start receiving maintenance and outage notices at this address.";
    VerifyButton => "確認する", "Confirm";
    VerifyDone => "確認が完了しました。このアドレスに工事・故障情報メールが届くようになりました。", "Confirmed. This address will now receive maintenance and outage notices.";
    Console => "運用コンソール", "Console";
    OperatorsOnly => "このページは運用担当者専用です。", "This page is for operators only.";
    ConsoleNotices => "お知らせの管理", "Notices";
    StoppedDestinationsTitle => "配信停止中の配信先", "Stopped destinations";
    SuspendedAddressesCount => "バウンスで停止中のメールアドレス", "Addresses suspended after bounces";
    QuarantinedWebhooksCount => "失敗が続き停止中のWebhook・チャット", "Webhooks and chats stopped after failures";
    NothingStopped => "停止中の配信先はありません。", "No destination is stopped.";
    NewNotice => "お知らせを作成", "New notice";
    EditDraft => "下書きの編集", "Edit draft";
    Drafts => "下書き", "Drafts";
    NoDrafts => "下書きはありません。", "No drafts.";
    Published => "公開済み", "Published";
    Kind => "種別", "Kind";
    TitleJa => "件名（日本語）", "Title (Japanese)";
    TitleEn => "件名（英語）", "Title (English)";
    BodyJa => "本文（日本語）", "Body (Japanese)";
    BodyEn => "本文（英語）", "Body (English)";
    BodyHint => "Markdown（CommonMark）で書けます：空行で段落、「- 」「1. 」で箇条書き、**太字**、[リンク](https://…)。HTML は文字のまま表示されます。", "Markdown (CommonMark): blank lines make paragraphs; \"- \" and \"1. \" lists, **bold**, [links](https://…). HTML shows as typed.";
    StartsAt => "開始日時（日本時間）", "Starts (JST)";
    EndsAt => "終了日時（日本時間）", "Ends (JST)";
    StartsAtZoned => "開始日時（上で選んだタイムゾーン）", "Starts (in the time zone chosen above)";
    EndsAtZoned => "終了日時（上で選んだタイムゾーン）", "Ends (in the time zone chosen above)";
    InputZone => "日時を入力するタイムゾーン", "Time zone of the times below";
    InputZoneHint => "公開ページとメールには日本時間（JST）で表示されます。", "The site and the mails show them in Japan's time (JST).";
    Status => "状況", "Status";
    AffectedProducts => "対象の商品", "Affected products";
    SaveDraft => "下書きを保存", "Save draft";
    Saved => "保存しました。", "Saved.";
    PreviewTitle => "プレビュー", "Preview";
    PagePreview => "お知らせページ", "Notice page";
    MailPreviewJa => "メール（日本語）", "Mail (Japanese)";
    MailPreviewEn => "メール（英語）", "Mail (English)";
    EnglishMissing => "英語の件名または本文が空です。英語で受け取る", "The English title or text is empty: the ";
    EnglishMissingEnd => "件の配信先には、英語の案内の中に日本語の件名・本文が届きます。", " destinations that read English will get the Japanese title and text within English mail.";
    PreviewBlocked => "次の項目を直すとプレビューが表示されます：", "The preview appears once these are mended:";
    PreviewPending => "必須項目を入力するとメールのプレビューが表示されます。", "Fill in the required fields to preview the mails.";
    Publish => "公開して配信", "Publish and send";
    PublishConfirmReach => "件のアドレスに配信します。", " addresses will get this mail.";
    PublishConfirmSkip => "件は配信時間帯の設定により配信されません。公開しますか？", " are skipped by their delivery hours. Publish now?";
    UpdateConfirmReach => "件のアドレスに続報を配信します。", " addresses will get this update.";
    UpdateConfirmSkip => "件は配信時間帯の設定により配信されません。配信しますか？", " are skipped by their delivery hours. Post it now?";
    PostQuietly => "送らずに掲載", "Post without sending";
    QuietUpdateConfirm => "誰にも送らずに、お知らせのページとフィードに掲載します。掲載しますか？", "Nothing will be sent: the update appears on the notice's page and in the feeds. Post it now?";
    Delivery => "配信状況", "Delivery";
    DeliveryPending => "配信待ち", "Pending";
    DeliverySent => "送信済み", "Sent";
    DeliveryFailed => "失敗", "Failed";
    DeliverySkipped => "時間帯外", "Skipped (hours)";
    DeliveryDone => "すべての配信が完了しました。", "Every mail has been handled.";
    FailedAddresses => "配信に失敗したアドレス", "Failed addresses";
    SmtpReply => "メールサーバーの応答", "Mail server reply";
    PostUpdate => "続報を配信", "Post an update";
    UpdateLead => "同じお知らせの続報として、現在の配信条件に合うアドレスへ配信します。", "An update goes to the addresses the notice's rule reaches now.";
    NotifyUpdate => "メール・Webhook で通知する", "Notify by mail and webhooks";
    NotifyUpdateHint => "外すと、お知らせのページとフィードにだけ掲載し、誰にも送りません。", "Unticked, the update appears on the notice's page and in the feeds only; nothing is sent.";
    PublicPage => "公開ページ", "Public page";
    CatalogAdmin => "商品カタログの管理", "Catalog";
    CatalogAdminLead => "カテゴリ・グループ・商品の追加と名称の変更、販売終了の設定ができます。", "Add categories, groups and products, rename them, or retire them.";
    Slug => "識別子（英小文字・数字・ハイフン）", "Slug (lower-case letters, digits, hyphens)";
    NameJa => "名称（日本語）", "Name (Japanese)";
    NameEn => "名称（英語）", "Name (English)";
    DescriptionJa => "説明（日本語）", "Description (Japanese)";
    DescriptionEn => "説明（英語）", "Description (English)";
    AddCategory => "カテゴリを追加", "Add category";
    AddGroup => "グループを追加", "Add group";
    AddProduct => "商品を追加", "Add product";
    Save => "保存", "Save";
    Retire => "販売終了にする", "Retire";
    Integrations => "連携（フィード・APIトークン）", "Integrations (feeds, API tokens)";
    FeedsTitle => "個人用フィード", "Personal feeds";
    FeedsLead => "マイサポートに登録した商品のお知らせを、フィードリーダーやカレンダーで購読できます。URLは秘密にしてください。", "Follow the notices of the products in My Support in a feed reader or calendar. Keep these URLs secret.";
    FeedIssued => "発行日時", "Issued";
    FeedNone => "まだ発行されていません。", "Not issued yet.";
    IssueFeed => "フィードURLを発行", "Issue feed URLs";
    ReissueFeed => "URLを再発行（以前のURLは無効になります）", "Issue new URLs (the old ones stop working)";
    RevokeFeed => "フィードURLを無効にする", "Revoke the feed URLs";
    ShownOnce => "この画面を離れると再表示できません。今すぐ控えてください。", "This is shown only once. Copy it now.";
    AtomFeed => "Atom（フィードリーダー）", "Atom (feed readers)";
    IcsFeed => "iCalendar（工事予定）", "iCalendar (maintenance)";
    TokensTitle => "APIトークン", "API tokens";
    TokensLead => "システム連携用の個人トークンです。Authorization: Bearer ヘッダーで送信します。", "Personal tokens for integrations, sent as an Authorization: Bearer header.";
    TokenName => "名前", "Name";
    Scopes => "権限", "Scopes";
    ScopeRead => "マイサポートの参照", "Read My Support";
    ScopeManage => "登録商品・配信先の変更", "Manage products and addresses";
    ExpiresAt => "有効期限", "Expires";
    NoExpiry => "なし", "Never";
    LastUsed => "最終利用", "Last used";
    Never => "未使用", "Never";
    CreateToken => "トークンを作成", "Create token";
    RevokeToken => "取り消す", "Revoke";
    NoTokens => "トークンはありません。", "No tokens.";
    Feeds => "フィード", "Feeds";    TryAgain => "再読み込み", "Try again";
    // Problem titles (the API sends the English one).
    ProblemValidation => "入力内容に誤りがあります", "Some fields are not valid";
    ProblemMalformedBody => "リクエストの内容を読み取れませんでした", "The request body could not be read";
    ProblemUnauthorized => "ログインが必要です", "Authentication is required";
    ProblemInvalidCredentials => "メールアドレスまたはパスワードが正しくありません", "The email address or password is not correct";
    ProblemForbidden => "この操作は許可されていません", "This action is not allowed";
    ProblemTermsNotAccepted => "現在の利用規約への同意が必要です", "The current terms of use must be accepted first";
    ProblemNotFound => "見つかりません", "Not found";
    ProblemLinkExpired => "このURLは有効期限が切れているか、すでに使用されています", "This link has expired or was already used";
    ProblemConflict => "現在の状態と矛盾する操作です", "The request conflicts with the current state";
    ProblemRateLimited => "リクエストが多すぎます。しばらく待ってからお試しください", "Too many requests; try again later";
    ProblemInternal => "予期しないエラーが発生しました", "An unexpected error occurred";
    // Why a field was refused (FieldCode::message).
    FieldRequired => "入力してください。", "This field is required.";
    FieldTooLong => "長すぎます。", "This is too long.";
    FieldTooShort => "短すぎます（10文字以上）。", "This is too short (at least 10 characters).";
    FieldInvalidEmail => "メールアドレスの形式が正しくありません。", "This is not a valid email address.";
    FieldControlCharacters => "使用できない文字が含まれています。", "This contains characters that are not allowed.";
    FieldInvalidPhone => "電話番号の形式が正しくありません。", "This is not a valid phone number.";
    FieldInvalidLanguage => "言語を選択してください。", "Choose a language.";
    FieldMismatch => "パスワードが一致しません。", "The passwords do not match.";
    FieldIncorrect => "パスワードが正しくありません。", "The password is not correct.";
    FieldTaken => "すでに使われています。", "This is already in use.";
    FieldUnchanged => "現在のものと同じです。", "This is the current one.";
    FieldNotStarted => "開始前のメンテナンスは完了にできません（中止の場合は「中止」を選んでください）。", "A maintenance cannot be completed before it starts (choose cancelled to call it off).";
    FieldNotOffered => "選べるのは 24 時間前と 1 時間前です。", "Reminders can be 24 hours or 1 hour before.";
    FieldInFuture => "現在より後の日時は指定できません。", "This cannot be later than now.";
    FieldNotEditable => "公開後は続報で変更してください（修正できるのは件名と本文です）。", "After publication this changes through an update (a correction changes titles and text only).";
    FieldInvalidSlug => "半角の英小文字・数字・ハイフンで2〜64文字（先頭と末尾にハイフンは不可。例: id-federation）で入力してください。", "Use 2 to 64 lowercase letters, digits and hyphens, not starting or ending with a hyphen (e.g. id-federation).";
    LevelCategory => "カテゴリ", "Category";
    LevelGroup => "グループ", "Group";
    LevelProduct => "商品", "Product";
    CatalogSaveConfirm => "この内容で保存します。公開中のページにすぐ反映されます。", "This will be saved and shown on the public pages at once.";
    CatalogRetireConfirm => "廃止すると、新たにマイサポートへ追加できなくなります（登録済みのお客さまはそのまま）。廃止しますか？", "Once retired, it can no longer be added to My Support (customers who have it keep it). Retire it?";
    Restore => "再開", "Restore";
    RetiredEntries => "廃止済み", "Retired";
    NoticeEdited => "修正", "edited";
    Postmortem => "事後報告", "Postmortem";
    PostPostmortem => "事後報告を投稿", "Post a postmortem";
    PostmortemLead => "原因と再発防止策などを、公開ページとフィードに掲載します。", "The cause, what was done and what will prevent it again, on the notice's page and in the feeds.";
    PostmortemNotify => "購読者にもメール等で知らせる", "Also send it to subscribers";
    PostmortemPosted => "事後報告を掲載しました。", "The postmortem was posted.";
    CorrectTitle => "件名・本文の修正（通知しない）", "Correct the title and text (no one is notified)";
    CorrectLead => "誤字などの修正に使います。メール等は送られず、公開ページとフィードに「修正」と表示されます。状況や日時の変更は続報で行ってください。", "For typos and the like. Nothing is sent; the page and the feeds show it as edited. Status and times change through an update.";
    SaveCorrection => "修正を保存", "Save the correction";
    CorrectionSaved => "修正を保存しました。", "The correction was saved.";
    RecoveredAt => "復旧日時（日本時間）", "Recovered at (JST)";
    RecoveredAtHint => "空欄の場合は投稿した日時になります。", "Leave empty for the time of posting.";
    UpdatesClosed => "この告知は終了しています。続報を投稿するには再開してください。", "This notice is closed. Re-open it to post a follow-up.";
    ReopenUpdates => "続報の投稿を再開", "Re-open for follow-ups";
    FieldUnknownPlaceholder => "使える差し込み項目は {{product}}・{{starts_at}}・{{ends_at}} です。", "The placeholders are {{product}}, {{starts_at}} and {{ends_at}}.";
    FieldInvalidWeekday => "曜日が正しくありません。", "Not a valid weekday.";
    FieldInvalidHour => "時間は0〜23で指定してください。", "Hours are 0 to 23.";
    FieldInvalidTimeZone => "タイムゾーンが正しくありません。", "Not a valid time zone.";
    FieldInvalidDatetime => "日時の形式が正しくありません。", "Not a valid date and time.";
    FieldBeforeStart => "終了は開始より後にしてください。", "The end must come after the start.";
    FieldUnknownProduct => "存在しない商品です。", "No such product.";
    DestinationsTab => "Webhook・チャット配信先", "Webhook and chat destinations";
    DestinationsShort => "Webhook・チャット", "Webhooks and chat";
    DestinationsLead => "Slack、Microsoft Teams、または任意のWebhookにも工事・故障情報をお届けします。追加すると確認コード付きのテスト通知が届き、そのコードを入力すると配信が始まります。", "Receive maintenance and outage notices in Slack, Microsoft Teams or any webhook. A new destination first gets a test notification with a code; entering the code starts deliveries.";
    NewDestination => "配信先を追加", "Add a destination";
    NewDestinationTitle => "Webhook・チャット配信先の追加", "Add a webhook or chat destination";
    NoDestinations => "まだ登録されていません。", "No destinations yet.";
    ChannelLabel => "種類", "Kind";
    ChannelWebhook => "Webhook（署名付きJSON）", "Webhook (signed JSON)";
    ChannelSlack => "Slack", "Slack";
    ChannelTeams => "Microsoft Teams", "Microsoft Teams";
    DestinationName => "名前", "Name";
    DestinationNameHint => "例：運用チームのSlack", "For example: Ops team Slack";
    DestinationUrl => "Webhook URL", "Webhook URL";
    DestinationUrlHint => "Slack・Teams・受信側システムで発行されたURL", "The URL that Slack, Teams or your system gave you";
    NoticesToReceive => "受け取る通知", "Notices to receive";
    DestinationLanguage => "通知の言語", "Language of the notices";
    AddAndTest => "追加してテスト通知を送る", "Add and send a test";
    SendTest => "テスト送信", "Send a test";
    TestDelivered => "テスト通知を送信しました。", "The test notification was delivered.";
    TestFailed => "テスト通知を届けられませんでした：", "The test notification could not be delivered: ";
    EnterCode => "確認コードを入力", "Enter the code";
    VerifyDestinationTitle => "配信先の確認", "Confirm the destination";
    VerifyDestinationLead => "テスト通知に書かれた確認コード（8文字）を入力してください。入力すると配信が始まります。", "Enter the 8-character code from the test notification. Deliveries start once it is confirmed.";
    CodeLabel => "確認コード", "Code";
    ConfirmCode => "確認する", "Confirm";
    DestinationActivated => "配信先を確認しました。これから通知をお届けします。", "The destination is confirmed; notices will arrive there.";
    DestinationActive => "有効", "Active";
    DestinationQuarantined => "配信停止中", "Stopped";
    QuarantinedLead => "送信が続けて失敗したため停止しています。接続先を確認してから「再開する」を押してください。", "Stopped after repeated failures. Check the endpoint, then select Resume.";
    LastError => "最後のエラー", "Last error";
    Resumed => "配信を再開しました。", "Deliveries resumed.";
    RotateSecret => "シークレットを再発行", "Rotate the secret";
    SigningSecret => "署名用シークレット", "Signing secret";
    SecretLead => "Standard Webhooks 形式の署名の検証に使います。再発行後24時間は旧シークレットの署名も付きます。", "Use it to verify the Standard Webhooks signatures. After a rotation, deliveries carry a signature with the old secret for 24 hours too.";
    DeleteDestinationSuffix => " を削除しますか？", ": delete this destination?";
    HookProducts => "対象商品", "Products";
    HookStatus => "状況", "Status";
    HookStarts => "開始", "Starts";
    HookEnds => "終了", "Ends";
    HookOpen => "詳細を見る", "View details";
    HookReminder => "リマインド", "Reminder";
    HookDigestTitle => "配信時間外に発行されたお知らせ", "Notices issued outside your delivery hours";
    HookIssued => "発行", "Issued";
    HookTestTitle => "Shirase のテスト通知", "Shirase test notification";
    HookTestBody => "この配信先にテスト通知が届きました。My Support で次の確認コードを入力すると、配信が始まります。", "This destination received a test notification. Enter this code in My Support to start deliveries.";
    HookTestAgain => "この配信先にテスト通知が届きました。", "This destination received a test notification.";
    HookCode => "確認コード", "Code";
    HookVerifiedTitle => "Shirase の配信先として確認されました", "Confirmed as a Shirase destination";
    HookVerifiedBody => "これから、選択した商品の工事・故障情報をお届けします。", "Maintenance and outage notices for the products you chose will arrive here.";
    FieldInPast => "未来の日時を指定してください。", "Choose a time in the future.";
    FieldInvalidUrl => "http:// または https:// で始まるURLを入力してください。", "Enter a URL that starts with http:// or https://.";
    FieldHttpsRequired => "https:// で始まるURLを入力してください。", "Enter a URL that starts with https://.";
    FieldUnknownChannel => "種類を選択してください。", "Choose a kind of destination.";
    FieldNoKind => "工事情報・故障情報の少なくとも一方を選択してください。", "Choose maintenance, outages or both.";
    FieldWrongCode => "確認コードが正しくないか、有効期限が切れています。", "This code is wrong or has expired.";
    FieldNotADeliveryReport => "配信状態通知 (RFC 3464) として読めません。", "This is not a delivery status notification (RFC 3464).";
    FieldUnknownDelivery => "この通知が指す配信が見つかりません。", "This report names no delivery of ours.";
    FieldInvalidValue => "入力内容が正しくありません。", "This value is not valid.";
    FieldNotCurrent => "規約が更新されました。画面を再読み込みしてください。", "The terms have changed; reload the page.";
    FieldUnknown => "入力内容をご確認ください。", "Check this field.";
    // Notice statuses.
    StatusScheduled => "予定", "Scheduled";
    StatusInProgress => "対応中", "In progress";
    StatusCompleted => "完了", "Completed";
    StatusCancelled => "中止", "Cancelled";
    StatusInvestigating => "調査中", "Investigating";
    StatusResolved => "復旧", "Resolved";
    // Weekdays, short.
    Mon => "月", "Mon";
    Tue => "火", "Tue";
    Wed => "水", "Wed";
    Thu => "木", "Thu";
    Fri => "金", "Fri";
    Sat => "土", "Sat";
    Sun => "日", "Sun";
    DeliveryLogTab => "配信履歴", "Delivery history";
    DeliveryLogLead => "通知ごとに、各配信先へいつ送信したか、送信しなかった場合はその理由を表示します。", "For each notice and each of your destinations: when it was sent, or why it was not.";
    LogAllDestinations => "すべての配信先", "All destinations";
    LogAllStates => "すべての状態", "All statuses";
    LogDestination => "配信先", "Destination";
    LogState => "状態", "Status";
    LogNotice => "通知", "Notice";
    LogWhen => "日時", "Time";
    LogReply => "応答", "Reply";
    LogEmpty => "該当する配信履歴はありません。", "No deliveries match.";
    LogMore => "さらに表示", "Show more";
    LogOneNotice => "1 件の通知の配信履歴を表示しています。", "Showing the deliveries of one notice.";
    LogShowAll => "すべての通知を表示", "Show every notice";
    LogUpdate => "続報", "Update";
    StateQueued => "送信待ち", "Queued";
    StateSent => "送信済み", "Sent";
    StateFailed => "送信失敗", "Failed";
    StateBounced => "不達 (バウンス)", "Bounced";
    StateSkippedWindow => "配信時間外のため未送信", "Not sent: outside delivery hours";
    StateSkippedUnsubscribed => "配信解除済みのため未送信", "Not sent: unsubscribed";
    StateSkippedSuspended => "配信停止中のため未送信", "Not sent: destination stopped";
    StateHeld => "配信時間まで保留中", "Held until delivery hours";
    StateWithdrawn => "取り消し (中止・日程変更)", "Withdrawn (cancelled or moved)";
    NoticeLogLink => "配信履歴を見る", "See the delivery history";
    DeliveryBounced => "バウンス", "Bounced";
    FailedDestinations => "失敗・バウンスした配信先", "Failed and bounced destinations";
    DownloadCsv => "配信結果を CSV でダウンロード", "Download the outcomes as CSV";
    DeleteDraft => "下書きを削除", "Delete draft";
    DeleteDraftConfirm => "この下書きを削除します。削除すると元に戻せません。", "This draft will be deleted. This cannot be undone.";
    ScopeBounces => "バウンス報告の受け渡し (運用者のみ)", "Hand in bounce reports (operators only)";
}

/// A product state's words, as the status page shows them.
pub fn product_state(state: crate::dto::ProductState) -> Msg {
    use crate::dto::ProductState as S;
    match state {
        S::Operational => Msg::StateOperational,
        S::Maintenance => Msg::StateMaintenance,
        S::Degraded => Msg::StateDegraded,
        S::PartialOutage => Msg::StatePartialOutage,
        S::MajorOutage => Msg::StateMajorOutage,
    }
}

/// The log's words for a delivery's state.
pub fn delivery_state(state: crate::dto::DeliveryState) -> Msg {
    use crate::dto::DeliveryState as S;
    match state {
        S::Queued => Msg::StateQueued,
        S::Sent => Msg::StateSent,
        S::Failed => Msg::StateFailed,
        S::Bounced => Msg::StateBounced,
        S::SkippedWindow => Msg::StateSkippedWindow,
        S::SkippedUnsubscribed => Msg::StateSkippedUnsubscribed,
        S::SkippedSuspended => Msg::StateSkippedSuspended,
        S::Held => Msg::StateHeld,
        S::Withdrawn => Msg::StateWithdrawn,
    }
}

/// The line a signed-in customer reads on a notice's page: how many of their destinations
/// it was sent to, and how many its delivery hours left out.
pub fn notice_reach(lang: Language, sent: usize, outside_hours: usize) -> String {
    match (lang, outside_hours) {
        (Language::Ja, 0) => format!("この通知は {sent} 件の配信先に送信済みです。"),
        (Language::Ja, n) => {
            format!("この通知は {sent} 件の配信先に送信済み、{n} 件は配信時間外のため未送信です。")
        }
        (Language::En, 0) => format!("This notice was sent to {sent} of your destinations."),
        (Language::En, n) => format!(
            "This notice was sent to {sent} of your destinations; {n} not sent because of delivery hours."
        ),
    }
}

/// What a form shows next to a field refused with `code`.
pub fn field(code: FieldCode) -> Msg {
    match code {
        FieldCode::Required => Msg::FieldRequired,
        FieldCode::TooLong => Msg::FieldTooLong,
        FieldCode::TooShort => Msg::FieldTooShort,
        FieldCode::InvalidEmail => Msg::FieldInvalidEmail,
        FieldCode::ControlCharacters => Msg::FieldControlCharacters,
        FieldCode::InvalidPhone => Msg::FieldInvalidPhone,
        FieldCode::InvalidLanguage => Msg::FieldInvalidLanguage,
        FieldCode::Mismatch => Msg::FieldMismatch,
        FieldCode::InvalidValue => Msg::FieldInvalidValue,
        FieldCode::Incorrect => Msg::FieldIncorrect,
        FieldCode::NotCurrent => Msg::FieldNotCurrent,
        FieldCode::Taken => Msg::FieldTaken,
        FieldCode::Unchanged => Msg::FieldUnchanged,
        FieldCode::UnknownPlaceholder => Msg::FieldUnknownPlaceholder,
        FieldCode::NotStarted => Msg::FieldNotStarted,
        FieldCode::NotOffered => Msg::FieldNotOffered,
        FieldCode::InFuture => Msg::FieldInFuture,
        FieldCode::NotEditable => Msg::FieldNotEditable,
        FieldCode::InvalidSlug => Msg::FieldInvalidSlug,
        FieldCode::InvalidWeekday => Msg::FieldInvalidWeekday,
        FieldCode::InvalidHour => Msg::FieldInvalidHour,
        FieldCode::InvalidTimeZone => Msg::FieldInvalidTimeZone,
        FieldCode::InvalidDatetime => Msg::FieldInvalidDatetime,
        FieldCode::BeforeStart => Msg::FieldBeforeStart,
        FieldCode::UnknownProduct => Msg::FieldUnknownProduct,
        FieldCode::InPast => Msg::FieldInPast,
        FieldCode::InvalidUrl => Msg::FieldInvalidUrl,
        FieldCode::HttpsRequired => Msg::FieldHttpsRequired,
        FieldCode::UnknownChannel => Msg::FieldUnknownChannel,
        FieldCode::NoKind => Msg::FieldNoKind,
        FieldCode::WrongCode => Msg::FieldWrongCode,
        FieldCode::NotADeliveryReport => Msg::FieldNotADeliveryReport,
        FieldCode::UnknownDelivery => Msg::FieldUnknownDelivery,
        FieldCode::Unknown => Msg::FieldUnknown,
    }
}

/// The operator's text in `lang`: English falls back to Japanese wherever none was written.
pub fn pick<'a>(lang: Language, ja: &'a str, en: Option<&'a str>) -> &'a str {
    match en {
        Some(t) if lang == Language::En && !t.trim().is_empty() => t,
        _ => ja,
    }
}

/// The notice's products by name in `lang`, as a list reads there (`、` or `, `).
pub fn product_names(lang: Language, products: &[crate::dto::NoticeProduct]) -> String {
    let names: Vec<&str> = products
        .iter()
        .map(|p| pick(lang, &p.name_ja, Some(&p.name_en)))
        .collect();
    names.join(if lang == Language::En { ", " } else { "、" })
}

/// A problem kind's title: the API sends it in English, a client may show either.
pub fn problem(kind: ProblemKind) -> Msg {
    match kind {
        ProblemKind::Validation => Msg::ProblemValidation,
        ProblemKind::MalformedBody => Msg::ProblemMalformedBody,
        ProblemKind::Unauthorized => Msg::ProblemUnauthorized,
        ProblemKind::InvalidCredentials => Msg::ProblemInvalidCredentials,
        ProblemKind::Forbidden => Msg::ProblemForbidden,
        ProblemKind::TermsNotAccepted => Msg::ProblemTermsNotAccepted,
        ProblemKind::NotFound => Msg::ProblemNotFound,
        ProblemKind::LinkExpired => Msg::ProblemLinkExpired,
        ProblemKind::Conflict => Msg::ProblemConflict,
        ProblemKind::RateLimited => Msg::ProblemRateLimited,
        ProblemKind::Internal => Msg::ProblemInternal,
    }
}

impl Problem {
    /// The problem document of `kind`, titled from the catalogue.
    pub fn new(kind: ProblemKind, detail: impl Into<String>) -> Self {
        Self {
            type_: kind.type_uri(),
            title: problem(kind).text(Language::En).to_owned(),
            status: kind.status(),
            detail: detail.into(),
            errors: Vec::new(),
            instance: None,
        }
    }
}

/// A weekday, short: 「月」, "Mon".
pub fn weekday(day: Weekday) -> Msg {
    [
        Msg::Mon,
        Msg::Tue,
        Msg::Wed,
        Msg::Thu,
        Msg::Fri,
        Msg::Sat,
        Msg::Sun,
    ][day.index() as usize]
}

/// 「工事情報」 / 「故障情報」.
pub fn kind(kind: NoticeKind) -> Msg {
    match kind {
        NoticeKind::Maintenance => Msg::KindMaintenance,
        NoticeKind::Outage => Msg::KindOutage,
    }
}

/// A notice's status: 「予定」, 「対応中」, …
pub fn status(status: NoticeStatus) -> Msg {
    match status {
        NoticeStatus::Scheduled => Msg::StatusScheduled,
        NoticeStatus::InProgress => Msg::StatusInProgress,
        NoticeStatus::Completed => Msg::StatusCompleted,
        NoticeStatus::Cancelled => Msg::StatusCancelled,
        NoticeStatus::Investigating => Msg::StatusInvestigating,
        NoticeStatus::Resolved => Msg::StatusResolved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts empty on purpose in one language (English has no honorific after a name).
    const EMPTY_BY_DESIGN: &[(Msg, Language)] = &[(Msg::Sama, Language::En)];

    #[test]
    fn every_message_has_both_languages() {
        for &msg in Msg::ALL {
            for lang in [Language::Ja, Language::En] {
                let text = msg.text(lang);
                assert!(
                    !text.trim().is_empty() || EMPTY_BY_DESIGN.contains(&(msg, lang)),
                    "{msg:?} has no {lang:?} text"
                );
            }
        }
    }

    #[test]
    fn every_field_code_reads_as_its_own_message() -> Result<(), serde_json::Error> {
        let codes: Vec<FieldCode> = serde_json::from_str(
            r#"["required","too_long","too_short","invalid_email","control_characters",
                "invalid_phone","invalid_language","mismatch","invalid_value","incorrect",
                "not_current","taken","invalid_weekday","invalid_hour","invalid_time_zone",
                "invalid_datetime","before_start","unknown_product","in_past","from_the_future"]"#,
        )?;
        assert_eq!(
            codes.last(),
            Some(&FieldCode::Unknown),
            "unknown codes still parse"
        );
        let mut seen = std::collections::HashSet::new();
        for code in codes {
            assert!(seen.insert(field(code)), "{code} shares its message");
            if code != FieldCode::Unknown {
                assert_eq!(serde_json::to_value(code)?, code.as_str());
            }
        }
        Ok(())
    }
}
