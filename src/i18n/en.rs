//! The English catalogue (the reference: every key is defined here first).
//! Values are HTML fragments printed as written; `{}` marks an argument.

/// Key → text.
pub const MESSAGES: &[(&str, &str)] = &[
    // Shared
    ("common.sign_in", "Sign in"),
    ("common.sign_out", "Sign out"),
    ("common.email", "Email address"),
    ("common.password", "Password"),
    ("common.use_passkey", "Use a passkey"),
    ("common.continue", "Continue"),
    ("common.cancel", "Cancel"),
    ("common.allow", "Allow"),
    ("common.deny", "Deny"),
    ("common.name", "Name"),
    ("common.role", "Role"),
    ("common.action", "Action"),
    ("common.actions", "Actions"),
    ("common.remove", "Remove"),
    ("common.back_to_sign_in", "Back to sign in"),
    (
        "common.signing_in_as",
        "Signing in as <span class=\"break\">{}</span>",
    ),
    (
        "common.signed_in_as",
        "Signed in as <span class=\"break\">{}</span>",
    ),
    ("common.optional", "(optional)"),
    ("common.your_account", "Your account"),
    ("common.security_title", "Sign-in & security"),
    ("common.security_heading", "Sign-in &amp; security"),
    ("common.passkeys", "Passkeys"),
    ("common.backup_codes", "Backup codes"),
    (
        "common.wrong_code",
        "That code didn't work. Check it and try again.",
    ),
    // Layout
    ("layout.skip", "Skip to content"),
    ("layout.footer", "Protected by Ostiary"),
    // Error page
    ("error.eyebrow", "Error {}"),
    (
        "error.request_id",
        "Request ID: <code>{}</code> — quote it when contacting support.",
    ),
    ("error.back", "Back to the start page"),
    ("error.not_found", "Page not found"),
    (
        "error.not_found.message",
        "There is nothing at this address.",
    ),
    ("error.conflict", "That cannot be done now"),
    ("error.bad_request", "Invalid request"),
    ("error.forbidden", "Not allowed"),
    ("error.csrf", "Request refused"),
    (
        "error.csrf.message",
        "The form was not submitted from this site or has expired. Go back, reload the page and try again.",
    ),
    ("error.overloaded", "Busy, please retry"),
    (
        "error.overloaded.message",
        "Too many sign-ins are being processed right now. Please try again in a moment.",
    ),
    ("error.unavailable", "Temporarily unavailable"),
    (
        "error.unavailable.message",
        "The service is temporarily unavailable. Please try again in a few seconds.",
    ),
    ("error.mail", "Email could not be sent"),
    (
        "error.mail.message",
        "We could not send the email. Please try again later.",
    ),
    ("error.internal", "Something went wrong"),
    (
        "error.internal.message",
        "An unexpected error occurred. Please try again later.",
    ),
    // Login
    (
        "login.lead",
        "Use your email address and password to continue.",
    ),
    ("login.email_code", "Email me a code"),
    ("login.forgot", "Forgot your password?"),
    ("login.failed", "Incorrect email or password."),
    (
        "login.passkey_failed",
        "Signing in with a passkey did not work. Try again or use your password.",
    ),
    // Second step
    ("mfa.title", "Verify it's you"),
    ("mfa.lead", "Your account is protected by a second step."),
    ("mfa.code_label", "Code from your authenticator app"),
    ("mfa.code_hint", "Enter the 6-digit code shown in the app."),
    ("mfa.verify", "Verify"),
    ("mfa.backup_summary", "Use a backup code"),
    ("mfa.backup_label", "Backup code"),
    ("mfa.backup_hint", "Each backup code works once."),
    ("mfa.backup_button", "Use backup code"),
    ("mfa.start_over", "Start over"),
    ("mfa_enroll.title", "Add a second sign-in step"),
    (
        "mfa_enroll.lead",
        "A second step is required for this sign-in. Choose how you want to confirm it's you.",
    ),
    ("mfa_enroll.totp", "Use an authenticator app"),
    ("mfa_enroll.cancel", "Cancel and start over"),
    // Authenticator app enrolment
    ("totp.title", "Set up an authenticator app"),
    (
        "totp.required",
        "Your organization requires a second sign-in step. Set one up to continue.",
    ),
    (
        "totp.step_scan",
        "Scan this QR code with an authenticator app (for example Aegis, 1Password, Google Authenticator or Microsoft Authenticator).",
    ),
    ("totp.step_code", "Enter the 6-digit code the app shows."),
    ("totp.qr_caption", "QR code for your authenticator app"),
    ("totp.cant_scan", "Can't scan? Enter the key instead"),
    (
        "totp.key_hint",
        "Setup key (time-based, 6 digits, 30 seconds):",
    ),
    ("totp.key_label", "Setup key"),
    ("totp.code_label", "Code from the app"),
    ("totp.submit", "Verify and turn on"),
    // Backup codes
    ("backup.title", "Your backup codes"),
    ("backup.heading", "Save your backup codes"),
    (
        "backup.lead",
        "If you lose your authenticator, each of these codes lets you sign in once. They are shown only now: store them somewhere safe, such as a password manager.",
    ),
    (
        "backup.hint",
        "Creating new codes later makes these stop working.",
    ),
    ("backup.saved", "I have saved my codes"),
    // Consent
    ("consent.title", "Allow access"),
    ("consent.heading", "Allow {} to access your account?"),
    (
        "consent.lead",
        "The application <strong>{}</strong> at <span class=\"app-host\">{}</span> asks to:",
    ),
    ("consent.scopes_label", "Requested permissions"),
    (
        "consent.hint",
        "Your choice is remembered for this application until you revoke it under “Connected applications” on your account page.",
    ),
    // Device flow
    ("device.title", "Connect a device"),
    ("device.to_account", "Go to your account"),
    ("device.lead", "Enter the code shown on your device."),
    ("device.code", "Code"),
    ("device_confirm.title", "Allow access?"),
    ("device_confirm.heading", "Allow {}?"),
    (
        "device_confirm.lead",
        "A device showing the code <strong>{}</strong> asks to use your account.\n    Only allow it if you started this on a device you own.",
    ),
    ("device_confirm.asks", "It asks for:"),
    // Email sign-in code
    ("email_code.title", "Enter your code"),
    ("email_code.heading", "Check your email"),
    (
        "email_code.lead",
        "If an account exists for that address, we sent it a sign-in code.\n    Enter it below; it expires in {} minutes.",
    ),
    ("email_code.label", "Sign-in code"),
    ("email_code.resend", "Send a new code"),
    ("email_code.with_password", "Sign in with a password"),
    // Sign out
    ("logout.heading", "Sign out of Ostiary?"),
    (
        "logout.lead",
        "You will need to sign in again to use applications that rely on Ostiary in this browser.",
    ),
    (
        "end_session.lead",
        "An application asked to sign you out. You are signed in as <span class=\"break\">{}</span>; signing out ends your session in this browser for every application.",
    ),
    ("end_session.stay", "Stay signed in"),
    ("logged_out.title", "Signed out"),
    ("logged_out.heading", "You have been signed out"),
    (
        "logged_out.lead",
        "Your session in this browser has ended. You can close this window.",
    ),
    ("logged_out.again", "Sign in again"),
    ("form_post.heading", "Return to the application"),
    (
        "form_post.lead",
        "Select Continue to go back to the application that sent you here.",
    ),
    // New password
    (
        "new_password.name",
        "Your name <span class=\"muted\">(optional)</span>",
    ),
    ("new_password.label", "New password"),
    (
        "new_password.hint",
        "At least {} characters; not a common password and not your email address. A passphrase of several words works well.",
    ),
    ("new_password.repeat", "Repeat the password"),
    // Passkeys
    ("passkeys.yours", "Your passkeys"),
    (
        "passkeys.intro",
        "A passkey signs you in with your device's screen lock or a security key, without a password. It also works as a second factor.",
    ),
    ("passkeys.none", "No passkeys yet"),
    ("passkeys.added", "Added"),
    ("passkeys.last_used", "Last used"),
    ("passkeys.never", "Never"),
    ("passkeys.remove_label", "Remove passkey {}"),
    ("passkeys.add", "Add a passkey"),
    (
        "passkeys.unavailable",
        "Passkeys are not available on this server.",
    ),
    ("passkeys.name_label", "Passkey name"),
    (
        "passkeys.name_hint",
        "For example \"Work laptop\" or \"Blue security key\".",
    ),
    (
        "passkeys.noscript",
        "Adding a passkey needs JavaScript in this browser.",
    ),
    (
        "passkeys.reauth",
        "For your security, confirm it is you before adding or removing a passkey.",
    ),
    ("passkeys.confirm", "Confirm it's you"),
    ("passkeys.back", "Back to sign-in &amp; security"),
    // Sign-in & security
    ("security.factors", "Second sign-in step"),
    (
        "security.on",
        "Two-step sign-in is <strong>on</strong>: after your password you confirm it's you with one of these.",
    ),
    (
        "security.off",
        "Two-step sign-in is <strong>off</strong>. Add an authenticator app or a passkey to protect your account even if your password leaks.",
    ),
    ("security.method", "Method"),
    ("security.status", "Status"),
    ("security.totp", "Authenticator app"),
    ("security.badge_on", "on"),
    ("security.not_set_up", "not set up"),
    ("security.set_up", "Set up"),
    ("security.registered", "{} registered"),
    ("security.none", "none"),
    ("security.manage", "Manage"),
    ("security.left", "{} of 10 left"),
    ("security.none_left", "none left"),
    (
        "security.backup_later",
        "available once a second step is on",
    ),
    ("security.new_codes", "Create new codes"),
    (
        "security.reauth_hint",
        "Adding or removing a method asks for your password again if you signed in more than {} minutes ago.",
    ),
    ("security.where", "Where you're signed in"),
    ("security.sessions_one", "{} active session"),
    ("security.sessions_many", "{} active sessions"),
    ("security.review", "Review or sign out devices"),
    ("security.sign_out_others", "Sign out other devices"),
    (
        "security.sign_out_others.hint",
        "Ends every session except this one. Recommended after you change how you sign in.",
    ),
    (
        "security.others_signed_out",
        "Your other devices were signed out.",
    ),
    ("security.activity", "Recent security activity"),
    ("security.no_activity", "No activity yet."),
    // First administrator
    ("setup.title", "Create the first administrator"),
    (
        "setup.lead",
        "This account becomes a superuser and the owner of the default organization.\n    You can invite other people and create further administrators afterwards.",
    ),
    ("setup.token", "Setup token"),
    (
        "setup.token_hint",
        "The one-time secret of this installation: the configured <code>setup_token</code>, or the token in the setup link the server printed to its log at start.",
    ),
    (
        "setup.display_name",
        "Display name <span class=\"optional\">(optional)</span>",
    ),
    (
        "setup.password_hint",
        "At least {} characters. A passphrase of several words works well.",
    ),
    ("setup.confirm", "Confirm password"),
    ("setup.submit", "Create administrator"),
    ("setup_done.title", "Already set up"),
    ("setup_done.heading", "Ostiary is already set up"),
    (
        "setup_done.lead",
        "The first administrator has already been created, so initial setup is closed.",
    ),
    // Account
    ("account.profile", "Profile"),
    ("account.email", "Email"),
    ("account.verified", "verified"),
    ("account.not_verified", "not verified"),
    ("account.display_name", "Display name"),
    ("account.not_set", "Not set"),
    ("account.admin", "Administrator"),
    (
        "account.security_intro",
        "Two-step sign-in (authenticator app, passkeys, backup codes) and recent security activity.",
    ),
    ("account.security_manage", "Manage sign-in &amp; security"),
    ("account.orgs", "Organizations"),
    ("account.no_orgs", "No organizations"),
    ("account.apps", "Connected applications"),
    (
        "account.apps_intro",
        "Applications you allowed to use your account. Revoking access signs the application out and it will ask again next time.",
    ),
    ("account.no_apps", "No connected applications"),
    ("account.application", "Application"),
    ("account.permissions", "Permissions"),
    ("account.allowed", "Allowed"),
    ("account.revoke_label", "Revoke access of {}"),
    ("account.revoke", "Revoke"),
    ("account.sessions", "Sessions"),
    (
        "account.sessions_intro",
        "Browsers and devices that are currently signed in to your account.",
    ),
    ("account.device", "Device"),
    ("account.ip", "IP address"),
    ("account.signed_in_with", "Signed in with"),
    ("account.signed_in", "Signed in"),
    ("account.last_seen", "Last seen"),
    ("account.this_device", "This device"),
    ("account.sign_out_label", "Sign out session on {}"),
    (
        "account.revoke_all_help",
        "Ends the sessions of your account on every device and browser; each of them will have to sign in again.",
    ),
    ("account.revoke_all", "Sign out all devices"),
    ("scope.openid", "Sign you in with your Ostiary account"),
    ("scope.profile", "See your name and username"),
    (
        "scope.email",
        "See your email address and whether it is verified",
    ),
    (
        "scope.offline_access",
        "Keep access while you are not using it",
    ),
    (
        "scope.groups",
        "See your organizations and your role in each",
    ),
    ("scope.phone", "See your phone number"),
    ("scope.address", "See your postal address"),
    ("scope.other", "Access “{}”"),
    (
        "event.login.failure",
        "Sign-in attempt with a wrong password",
    ),
    (
        "event.login.locked",
        "Sign-in temporarily locked after failed attempts",
    ),
    ("event.session.logout", "Signed out"),
    ("event.session.revoked", "A session was signed out"),
    ("event.session.revoke_all", "Signed out on all devices"),
    ("event.mfa.verified", "Confirmed a sign-in with a code"),
    (
        "event.mfa.failed",
        "A wrong code was entered at the second sign-in step",
    ),
    (
        "event.mfa.locked",
        "Second step temporarily locked after failed attempts",
    ),
    ("event.mfa.enrolled", "Second sign-in step added"),
    ("event.mfa.removed", "Second sign-in step removed"),
    (
        "event.mfa.backup_codes_generated",
        "New backup codes created",
    ),
    ("event.mfa.backup_code_used", "Signed in with a backup code"),
    ("event.passkey.registered", "Passkey added"),
    ("event.passkey.removed", "Passkey removed"),
    ("event.passkey.rejected", "A passkey was refused"),
    ("security.totp_enabled", "Your authenticator app is on."),
    (
        "security.totp_removed",
        "The authenticator app was removed.",
    ),
    ("amr.pwd", "Password"),
    ("amr.otp", "one-time code"),
    ("amr.passkey", "passkey"),
    ("amr.fed", "single sign-on"),
    ("account.session_revoked", "The session was signed out."),
    (
        "account.consent_revoked",
        "The application's access was revoked.",
    ),
    ("passkeys.added_notice", "The passkey was added."),
    ("passkeys.removed_notice", "The passkey was removed."),
    (
        "setup.already",
        "Ostiary is already set up. Sign in instead.",
    ),
    ("setup.bad_token", "The setup token is not correct."),
    (
        "form.name_too_long",
        "The name can be at most 200 characters.",
    ),
    ("form.passwords_differ", "The two passwords do not match."),
    (
        "device.not_found",
        "That code is not valid or has expired. Check the code on your device.",
    ),
    (
        "device.too_many",
        "Too many attempts. Wait a few minutes and try again.",
    ),
    ("device.choose", "Choose Allow or Deny."),
    (
        "device.approved",
        "Device approved. You can return to your device.",
    ),
    (
        "device.denied",
        "Request denied. The device was not given access.",
    ),
    ("link.invalid", "Link no longer valid"),
    ("link.request_new", "Request a new link"),
    (
        "link.invalid.reset",
        "This password reset link is invalid, has expired or was already used. Request a new one.",
    ),
    (
        "link.invalid.verify",
        "This verification link is invalid, has expired or was already used. Request a new one.",
    ),
    (
        "link.invalid.invitation",
        "This invitation link is invalid, has expired or was already used. Request a new one.",
    ),
    ("email_login.heading", "Sign in with email"),
    (
        "email_login.lead",
        "We will email you a one-time code to sign in with.",
    ),
    ("email_login.limited", "Too many codes requested"),
    (
        "email_login.limited.message",
        "Too many sign-in codes were requested for this address or from your network. Use the code you already received, or try again in an hour.",
    ),
    (
        "email_login.wrong_one",
        "That code is not correct. {} attempt left.",
    ),
    (
        "email_login.wrong_many",
        "That code is not correct. {} attempts left.",
    ),
    ("email_login.expired", "Code expired"),
    (
        "email_login.expired.message",
        "This sign-in code has expired, was already used or was entered wrongly too often. Request a new one.",
    ),
    ("reset.heading", "Reset your password"),
    (
        "reset.lead",
        "Enter your email address and we will send you a link to choose a new password.",
    ),
    ("reset.button", "Send the link"),
    ("reset.choose", "Choose a new password"),
    (
        "reset.choose.lead",
        "Afterwards you are signed out everywhere and sign in again with the new password.",
    ),
    ("reset.choose.button", "Set the new password"),
    (
        "reset.sent",
        "If an account exists for that address, we sent it a link to choose a new password. The link works once and expires soon.",
    ),
    ("reset.done", "Password changed"),
    (
        "reset.done.message",
        "Your password was changed and you were signed out everywhere. Sign in with the new password.",
    ),
    ("verify.heading", "Verify your email address"),
    (
        "verify.gate",
        "Your email address is not verified yet, so you cannot sign in. We can send you a link to verify it.",
    ),
    ("verify.send", "Send me a verification link"),
    (
        "verify.page_expired",
        "This page has expired. Sign in again to get a verification link.",
    ),
    (
        "verify.sent",
        "We sent a verification link to your address (unless several were sent recently: then use the newest one). Open it, then sign in again.",
    ),
    (
        "verify.confirm",
        "Confirm that this email address is yours.",
    ),
    ("verify.confirm.button", "Verify my email address"),
    ("verify.done", "Email address verified"),
    ("verify.done.message", "Thank you. You can sign in now."),
    ("invite.heading", "Accept the invitation"),
    ("invite.create", "Create your account to join {}."),
    ("invite.create.button", "Create my account"),
    ("invite.expired", "Invitation expired"),
    (
        "invite.expired.message",
        "This invitation has expired. Ask for a new one.",
    ),
    ("invite.already", "Invitation already accepted"),
    (
        "invite.already.message",
        "This invitation was already accepted. Sign in to continue.",
    ),
    ("invite.join", "Join {} as {}."),
    ("invite.join.button", "Join"),
    ("invite.someone_else", "Signed in as someone else"),
    (
        "invite.other_user",
        "This invitation is for {}. Sign out, then open the invitation link again.",
    ),
    ("invite.sign_in", "Sign in to accept"),
    ("invite.sign_in_as", "Sign in as {} to join {}."),
    ("invite.welcome", "Welcome"),
    (
        "invite.welcome.message",
        "Your account was created. Sign in with your email address and new password.",
    ),
    (
        "invite.wrong_user",
        "This invitation is for another (or an unverified) email address. Sign out, then open the invitation link again.",
    ),
    (
        "invite.sign_in_first",
        "An account with this email address exists. Sign in, then open the invitation link again.",
    ),
    (
        "js.prompt",
        "Follow the instructions of your browser or security key.",
    ),
    ("js.checking", "Checking…"),
    ("js.unsupported", "This browser does not support passkeys."),
    ("js.starting", "Starting…"),
    (
        "js.cancelled",
        "The passkey was not used. You can try again.",
    ),
    // Application context
    (
        "app.continue_to",
        "to continue to <strong>{}</strong> <span class=\"app-host\">({})</span>",
    ),
    ("app.privacy", "Privacy policy"),
    ("app.terms", "Terms of service"),
    ("app.links_of", "Of {}:"),
    ("common.not_you", "Not you?"),
    // Logout requests
    ("end_session.asked_by", "Requested by {}"),
    // Authorization request errors
    (
        "authorize.repeated",
        "The request repeats client_id or redirect_uri.",
    ),
    (
        "authorize.unknown_client",
        "The application (client_id) is unknown.",
    ),
    ("authorize.no_redirect", "The request has no redirect_uri."),
    (
        "authorize.unregistered_redirect",
        "The redirect_uri is not registered for this application.",
    ),
    (
        "authorize.misconfigured",
        "The application that sent you here is misconfigured; you were not redirected back to it.",
    ),
    (
        "error.form",
        "The form could not be read. Go back, reload the page and try again.",
    ),
    ("error.query", "The address contains invalid parameters."),
    // Paused sign-in
    (
        "login.throttled_minutes",
        "Too many sign-in attempts for this address. Try again in {} min, or sign in with an emailed code or reset your password below.",
    ),
    (
        "login.throttled_seconds",
        "Too many sign-in attempts for this address. Wait {} seconds and try again, or sign in with an emailed code or reset your password below.",
    ),
    (
        "login.disabled",
        "This account is disabled. Contact your administrator.",
    ),
    // Account self-service
    ("common.save", "Save"),
    ("common.current_password", "Current password"),
    (
        "confirm.wrong_password",
        "The current password is not correct.",
    ),
    (
        "confirm.paused",
        "Too many wrong passwords. Try again in {} min.",
    ),
    ("account.profile_saved", "Your profile was saved."),
    (
        "account.phone_invalid",
        "The phone number was not saved: write it internationally, with + and the country code (for example +49 30 1234567).",
    ),
    (
        "account.address_invalid",
        "The address was not saved: use at most 200 characters per field and no control characters.",
    ),
    ("account.contact", "Phone and address"),
    (
        "account.contact_intro",
        "Applications you allow to see your phone number or address receive these.",
    ),
    ("account.phone_number", "Phone number"),
    ("account.street_address", "Street address"),
    ("account.postal_code", "Postal code"),
    ("account.locality", "City"),
    ("account.region", "State or region"),
    ("account.country", "Country"),
    (
        "account.name_invalid",
        "The display name was not saved: use at most 200 characters and no control characters.",
    ),
    ("account.change_email", "Change"),
    ("account.change_password", "Change password"),
    ("account.set_password", "Set a password"),
    (
        "account.delete_intro",
        "Deleting your account signs you out everywhere and removes your access to every application.",
    ),
    ("change_password.title", "Change your password"),
    (
        "change_password.lead",
        "Every other device is signed out, and we let you know by email.",
    ),
    ("change_password.submit", "Change password"),
    (
        "security.password_changed",
        "Your password was changed. Every other device was signed out.",
    ),
    ("email_change.title", "Change your email address"),
    (
        "email_change.lead",
        "You sign in with <span class=\"break\">{}</span>. We send a link to the new address; it changes only when you open it.",
    ),
    ("email_change.new", "New email address"),
    (
        "email_change.hint",
        "Your current address is told about the change and can undo it.",
    ),
    ("email_change.submit", "Send confirmation link"),
    ("email_change.same", "That is already your email address."),
    (
        "email_change.sent",
        "If {} can be used, a confirmation link is on its way there. Until you open it, your account keeps using {}.",
    ),
    ("email_change.confirm.heading", "Use your new address?"),
    (
        "email_change.confirm",
        "Your account will sign in with {} from now on.",
    ),
    ("email_change.confirm.button", "Use this address"),
    ("email_change.done", "Email address changed"),
    (
        "email_change.done.message",
        "Your account now uses {}. We told your previous address.",
    ),
    ("email_change.taken", "Address not available"),
    (
        "email_change.taken.message",
        "This address is used by another account now. Nothing was changed.",
    ),
    ("email_change.again", "Try another address"),
    ("email_change.undo.heading", "Undo the email change?"),
    (
        "email_change.undo.confirm",
        "Your account goes back to {}, every device is signed out and we send a link to choose a new password.",
    ),
    ("email_change.undo.button", "Undo the change"),
    ("email_change.undone", "Change undone"),
    (
        "email_change.undone.message",
        "Your account uses {} again and every device was signed out. Check that inbox for a link to choose a new password.",
    ),
    (
        "email_change.undone.taken",
        "Every device was signed out, but the previous address is used by another account now, so it could not be restored. Contact your administrator.",
    ),
    (
        "link.invalid.email_change",
        "This email change link is invalid, has expired or was already used.",
    ),
    ("delete.title", "Delete account"),
    (
        "delete.lead",
        "This deletes the account <span class=\"break\">{}</span>:",
    ),
    (
        "delete.what.sign_in",
        "You can no longer sign in, and every device is signed out.",
    ),
    (
        "delete.what.apps",
        "Every application loses access to your account.",
    ),
    (
        "delete.what.address",
        "Your email address becomes free for a new account.",
    ),
    (
        "delete.understand",
        "I understand that this cannot be undone by me.",
    ),
    ("delete.submit", "Delete my account"),
    ("delete.tick", "Tick the box to confirm."),
    ("delete.done", "Account deleted"),
    (
        "delete.done.message",
        "Your account was deleted and every device was signed out.",
    ),
    (
        "delete.last_admin",
        "You are the only administrator. Make someone else an administrator before deleting your account.",
    ),
    // Security activity
    ("event.login.password", "Signed in with your password"),
    (
        "event.login.email_code",
        "Signed in with a code sent by email",
    ),
    ("event.login.passkey", "Signed in with a passkey"),
    (
        "event.login.while_paused",
        "Sign-in refused while sign-in was paused",
    ),
    (
        "event.login.disabled",
        "Sign-in refused: the account is disabled",
    ),
    (
        "event.session.revoke_others",
        "Signed out every other device",
    ),
    (
        "event.mfa.verified_passkey",
        "Confirmed a sign-in with a passkey",
    ),
    (
        "event.email_code.failed",
        "A wrong sign-in code from an email was entered",
    ),
    ("event.password_reset.requested", "Password reset link sent"),
    (
        "event.password_reset.completed",
        "Password reset with an emailed link",
    ),
    ("event.password.changed", "Password changed"),
    (
        "event.password.confirm_failed",
        "A wrong current password was entered to change the account",
    ),
    (
        "event.email_change.requested",
        "Asked to change the email address",
    ),
    ("event.email_change.completed", "Email address changed"),
    (
        "event.email_change.reported",
        "Email change undone from the previous address",
    ),
    ("event.email.verified", "Email address confirmed"),
    ("event.device.approved", "Allowed a device to sign in"),
    (
        "event.consent.granted",
        "Allowed an application to use your account",
    ),
    ("event.consent.revoked", "Removed an application's access"),
    // Backup codes file
    ("backup.download", "Download"),
    ("backup.copy", "Copy"),
    ("backup.copied", "Copied to the clipboard."),
    (
        "backup.copy_failed",
        "Copying did not work. Select the codes and copy them yourself.",
    ),
    ("backup.file_heading", "Ostiary backup codes"),
    (
        "backup.file_hint",
        "Each code works once, in place of your authenticator app or passkey.",
    ),
    // Account chooser
    ("select.title", "Choose an account"),
    ("select.accounts", "Accounts signed in on this browser"),
    ("select.signed_in", "signed in"),
    ("select.another", "Use another account"),
    // Account switch
    ("account.switch", "Switch account"),
    // Authorization request limits
    ("authorize.too_many", "The request has too many parameters."),
    (
        "authorize.par_invalid",
        "This sign-in request has expired or was already used. Go back to the application and start again.",
    ),
    // Sign out everywhere
    (
        "account.disconnect_apps",
        "Also disconnect applications (they lose the offline access you gave them)",
    ),
    // Password rules
    (
        "password.too_long",
        "Passwords can be at most {} bytes long.",
    ),
    (
        "password.too_short",
        "Choose a password of at least {} characters.",
    ),
    (
        "password.control",
        "Passwords cannot contain control characters.",
    ),
    (
        "password.common",
        "This password is too common or easy to guess. A passphrase of several unrelated words works well.",
    ),
    (
        "password.personal",
        "Do not build the password on your email address or the name of this service or organization.",
    ),
    // Federated sign-in (S7)
    // SAML single logout (S7)
    ("saml.slo_failed", "Signed out here"),
    (
        "saml.slo_failed_lead",
        "You are signed out of this service. The identity provider did not confirm that it signed you out too: close the browser, or sign out at the identity provider.",
    ),
    ("fed.failed", "Sign-in did not work"),
    ("fed.back", "Back to sign-in"),
    (
        "fed.provider_unavailable",
        "This sign-in option is not available. Choose another way to sign in.",
    ),
    (
        "fed.upstream_unreachable",
        "The sign-in service could not be reached. Try again in a moment, or choose another way to sign in.",
    ),
    (
        "fed.state_invalid",
        "This sign-in expired or was started in another browser. Start again from the sign-in page.",
    ),
    (
        "fed.upstream_denied",
        "The sign-in was cancelled or refused at the provider.",
    ),
    (
        "fed.upstream_rejected",
        "The provider's answer could not be verified. Start again, or choose another way to sign in.",
    ),
    (
        "fed.internal",
        "Something went wrong on our side. Try again in a moment.",
    ),
    (
        "fed.no_account",
        "There is no account for you here yet. Ask an administrator for an invitation.",
    ),
    (
        "fed.email_missing",
        "The provider did not share an email address, so no account could be created. Allow access to your email address there and try again.",
    ),
    (
        "fed.account_locked",
        "This account is locked. Contact an administrator.",
    ),
    (
        "fed.account_unavailable",
        "This account is not available. Contact an administrator.",
    ),
    (
        "fed.provider_disabled",
        "This sign-in option has been switched off. Choose another way to sign in.",
    ),
    (
        "fed.link_required",
        "An account with this email address already exists. Sign in to it with your password, a passkey or an email code, then link this provider on your account page.",
    ),
    ("fed.continue_title", "Continuing to sign-in"),
    (
        "fed.continue_lead",
        "You are being sent to your organization's sign-in page.",
    ),
    ("fed.continue", "Continue"),
    (
        "fed.too_many_starts",
        "Too many sign-ins were started from your network. Wait a few minutes, then try again.",
    ),
    (
        "fed.link_session_changed",
        "You are no longer signed in to the account that started linking. Sign in and start again from your account page.",
    ),
    (
        "fed.identity_in_use",
        "This account at the provider already signs in to another account here. Unlink it from that account first.",
    ),
    ("account.providers_heading", "Sign-in providers"),
    (
        "account.providers_intro",
        "Accounts at other services that sign you in here.",
    ),
    (
        "account.providers_none",
        "No provider is linked to this account.",
    ),
    ("account.provider", "Provider"),
    ("account.provider_account", "Account there"),
    ("account.linked_since", "Linked"),
    ("account.last_used", "Last used"),
    ("account.never", "Never"),
    ("account.unlink", "Unlink"),
    ("account.unlink_label", "Unlink {}"),
    ("account.link_heading", "Link another provider"),
    ("account.link_label", "Link {}"),
    (
        "account.provider_linked",
        "The provider is linked: you can sign in with it now.",
    ),
    (
        "account.provider_already_linked",
        "That account at the provider was already linked.",
    ),
    ("account.provider_unlinked", "The provider is unlinked."),
    (
        "account.passkey_last_method",
        "That passkey is your only way to sign in. Set a password first, then remove it.",
    ),
    (
        "account.provider_last_method",
        "That is your only way to sign in. Set a password or add a passkey before you unlink it.",
    ),
    (
        "login.password_needed",
        "Enter your password to sign in with this address.",
    ),
    (
        "login.sso_hint",
        "If your organization signs you in, leave the password empty: you will be sent to its sign-in page.",
    ),
    ("login.providers", "Or sign in with"),
    // LDAP / Active Directory sign-in (S7)
    (
        "login.directory_password_needed",
        "Your organization's directory signs you in: enter your directory password.",
    ),
    ("login.directory_heading", "Sign in with {}"),
    (
        "login.directory_lead",
        "Use the user name and password of your organization's directory.",
    ),
    ("login.directory_username", "Username"),
    (
        "login.directory_username_hint",
        "Your directory user name or address.",
    ),
    ("login.directory_back", "Back to sign-in options"),
    (
        "login.directory_unavailable",
        "Sign-in is not available right now. Try again in a moment.",
    ),
    (
        "fed.ldap_account_disabled",
        "Your directory account is disabled. Ask your administrator.",
    ),
    (
        "fed.ldap_account_locked",
        "Your directory account is locked. Ask your administrator or try again later.",
    ),
    (
        "fed.ldap_account_expired",
        "Your directory account has expired. Ask your administrator.",
    ),
    (
        "fed.ldap_password_expired",
        "Your directory password has expired or must be changed. Change it with your organization first.",
    ),
    (
        "fed.ldap_logon_restricted",
        "Your directory account may not sign in at this time or from here. Ask your administrator.",
    ),
];
