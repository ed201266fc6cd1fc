//! A real OpenLDAP `slapd` for the LDAP tests (peers guide §4): its own
//! temp dir, a CA and a server certificate made with `openssl` for
//! StartTLS and LDAPS, `slapadd` of people, a service account and groups,
//! then `slapd` in the foreground on free ports, logging operations so a
//! test can count the binds that reached it. Stopped when dropped.
//! Without slapd the tests are skipped loudly (failed under
//! `OSTIARY_REQUIRE_PEERS=1`). Also the steps the LDAP tests share: a
//! provider of the directory, the login form posted like a browser.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use ostiary::federation::Kind;
use ostiary::federation::ldap::settings::LdapSpec;
use ostiary::federation::registry::{self, ProviderView, Reach};
use ostiary::federation::spec::ProviderSpec;
use reqwest::StatusCode;

use crate::federated_login::free_port;
use crate::helpers::{Backend, Browser, TestApp, peer_available};

pub const SUFFIX: &str = "dc=example,dc=com";
pub const PEOPLE: &str = "ou=people,dc=example,dc=com";
pub const GROUPS: &str = "ou=groups,dc=example,dc=com";
pub const SERVICE_DN: &str = "cn=ostiary,ou=services,dc=example,dc=com";
pub const SERVICE_PASSWORD: &str = "service-account-pw";

/// The people of the directory: (uid, mail, display name, password).
pub const PEOPLE_LIST: [(&str, &str, &str, &str); 4] = [
    (
        "alice",
        "alice@example.com",
        "Alice Example",
        "alice-directory-pw",
    ),
    ("bob", "bob@example.com", "Bob Example", "bob-directory-pw"),
    (
        "carol",
        "carol@example.com",
        "Carol Example",
        "carol-directory-pw",
    ),
    (
        "dave",
        "dave@example.com",
        "Dave Example",
        "dave-directory-pw",
    ),
];

/// Whether slapd, slapadd and openssl are here.
pub fn slapd_peer() -> bool {
    let found = |p: &str| {
        Path::new(p).exists()
            || Command::new("which")
                .arg(p)
                .output()
                .is_ok_and(|o| o.status.success())
    };
    peer_available(
        "OpenLDAP slapd",
        found("/usr/sbin/slapd") && found("/usr/sbin/slapadd") && found("openssl"),
        "DEBIAN_FRONTEND=noninteractive apt-get install -y slapd ldap-utils",
    )
}

/// A running slapd.
pub struct Slapd {
    /// `ldap://127.0.0.1:PORT` (StartTLS offered).
    pub ldap_url: String,
    /// `ldaps://127.0.0.1:PORT`.
    pub ldaps_url: String,
    /// The CA that signed the server certificate (PEM).
    pub ca_file: PathBuf,
    log: PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Slapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn certificates(dir: &Path) {
    let p = |f: &str| dir.join(f).display().to_string();
    run(Command::new("openssl").args([
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Ostiary Test LDAP CA",
        "-keyout",
        &p("ca.key"),
        "-out",
        &p("ca.pem"),
    ]));
    run(Command::new("openssl").args([
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        &p("server.key"),
        "-out",
        &p("server.csr"),
    ]));
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )
    .unwrap();
    run(Command::new("openssl").args([
        "x509",
        "-req",
        "-days",
        "2",
        "-in",
        &p("server.csr"),
        "-CA",
        &p("ca.pem"),
        "-CAkey",
        &p("ca.key"),
        "-CAcreateserial",
        "-out",
        &p("server.pem"),
        "-extfile",
        &p("ext.cnf"),
    ]));
}

/// Enough of Active Directory's schema for its code path: `user` entries
/// with `objectGUID` (binary), `userAccountControl`, `sAMAccountName`,
/// `userPrincipalName` and `memberOf` (stored, not computed).
const AD_SCHEMA: &str = "\
attributetype ( 1.2.840.113556.1.4.2 NAME 'objectGUID' EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.8 NAME 'userAccountControl' EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName' EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.656 NAME 'userPrincipalName' EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.2.102 NAME 'memberOf' EQUALITY distinguishedNameMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.12 )
objectclass ( 1.2.840.113556.1.5.9 NAME 'user' SUP inetOrgPerson STRUCTURAL MAY ( objectGUID $ userAccountControl $ sAMAccountName $ userPrincipalName $ memberOf ) )
";

/// Active Directory-like people: (sAMAccountName, mail, password,
/// userAccountControl). 514 is a disabled account (ACCOUNTDISABLE).
pub const AD_PEOPLE: [(&str, &str, &str, u32); 2] = [
    ("erin", "erin@example.com", "erin-directory-pw", 512),
    ("frank", "frank@example.com", "frank-directory-pw", 514),
];

/// erin's objectGUID as stored (not valid UTF-8), and as text.
pub const ERIN_GUID: [u8; 16] = [
    0x78, 0x56, 0x34, 0x12, 0xbc, 0x9a, 0xf0, 0xde, 0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88,
];
pub const ERIN_GUID_TEXT: &str = "12345678-9abc-def0-ffee-ddccbbaa9988";

fn ad_ldif() -> String {
    use base64::Engine;
    let mut out = format!("dn: ou=staff,{SUFFIX}\nobjectClass: organizationalUnit\nou: staff\n\n");
    for (i, (sam, mail, pw, uac)) in AD_PEOPLE.into_iter().enumerate() {
        let mut guid = ERIN_GUID;
        guid[15] = guid[15].wrapping_add(u8::try_from(i).unwrap());
        let guid = base64::engine::general_purpose::STANDARD.encode(guid);
        out.push_str(&format!(
            "dn: cn={sam},ou=staff,{SUFFIX}\nobjectClass: user\ncn: {sam}\nsn: {sam}\n\
             sAMAccountName: {sam}\nuserPrincipalName: {sam}@ad.example.com\nmail: {mail}\n\
             userPassword: {pw}\nuserAccountControl: {uac}\nobjectGUID:: {guid}\n\
             memberOf: CN=Sales\\, EMEA,OU=Groups,DC=example,DC=com\n\
             memberOf: CN=Staff,OU=Groups,DC=example,DC=com\n\n"
        ));
    }
    out
}

/// gina's password policy locks her entry after [`GINA_MAX_FAILURES`]
/// wrong passwords (OpenLDAP ppolicy).
pub const GINA: (&str, &str) = ("gina@example.com", "gina-directory-pw");
pub const GINA_MAX_FAILURES: usize = 2;

fn policy_ldif() -> String {
    format!(
        "dn: ou=policies,{SUFFIX}\nobjectClass: organizationalUnit\nou: policies\n\n\
         dn: cn=lockout,ou=policies,{SUFFIX}\nobjectClass: device\nobjectClass: pwdPolicy\ncn: lockout\n\
         pwdAttribute: userPassword\npwdLockout: TRUE\npwdMaxFailure: {GINA_MAX_FAILURES}\npwdLockoutDuration: 600\n\n\
         dn: uid=gina,{PEOPLE}\nobjectClass: inetOrgPerson\nuid: gina\ncn: Gina Example\nsn: Example\n\
         mail: {}\nuserPassword: {}\npwdPolicySubentry: cn=lockout,ou=policies,{SUFFIX}\n\n",
        GINA.0, GINA.1
    )
}

fn ldif() -> String {
    let mut out = format!(
        "dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n\
         dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n\n\
         dn: {GROUPS}\nobjectClass: organizationalUnit\nou: groups\n\n\
         dn: ou=services,{SUFFIX}\nobjectClass: organizationalUnit\nou: services\n\n\
         dn: {SERVICE_DN}\nobjectClass: person\ncn: ostiary\nsn: service\nuserPassword: {SERVICE_PASSWORD}\n\n"
    );
    for (uid, mail, name, pw) in PEOPLE_LIST {
        let sn = name.split(' ').next_back().unwrap_or(name);
        out.push_str(&format!(
            "dn: uid={uid},{PEOPLE}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {name}\nsn: {sn}\n\
             displayName: {name}\nmail: {mail}\nuserPassword: {pw}\n\n"
        ));
    }
    // Three entries with the same mail: a search naming it is ambiguous
    // (and exceeds the size limit of 2 the sign-in asks for).
    out.push_str(&format!(
        "dn: uid=twin1,{PEOPLE}\nobjectClass: inetOrgPerson\nuid: twin1\ncn: Twin\nsn: Twin\nmail: twin@example.com\nuserPassword: twin-pw\n\n\
         dn: uid=twin2,{PEOPLE}\nobjectClass: inetOrgPerson\nuid: twin2\ncn: Twin\nsn: Twin\nmail: twin@example.com\nuserPassword: twin-pw\n\n\
         dn: uid=twin3,{PEOPLE}\nobjectClass: inetOrgPerson\nuid: twin3\ncn: Twin\nsn: Twin\nmail: twin@example.com\nuserPassword: twin-pw\n\n"
    ));
    out.push_str(&format!(
        "dn: cn=engineers,{GROUPS}\nobjectClass: groupOfNames\ncn: engineers\nmember: uid=alice,{PEOPLE}\nmember: uid=bob,{PEOPLE}\n\n\
         dn: cn=admins,{GROUPS}\nobjectClass: groupOfNames\ncn: admins\nmember: uid=alice,{PEOPLE}\n\n\
         dn: cn=sales,{GROUPS}\nobjectClass: groupOfNames\ncn: sales\nmember: uid=carol,{PEOPLE}\n\n"
    ));
    out
}

impl Slapd {
    /// Start a directory with the people, groups and service account above.
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        certificates(d);
        std::fs::create_dir(d.join("db")).unwrap();
        let conf = format!(
            "include /etc/ldap/schema/core.schema\n\
             include /etc/ldap/schema/cosine.schema\n\
             include /etc/ldap/schema/inetorgperson.schema\n\
             include /etc/ldap/schema/nis.schema\n\
             include {dir}/ad.schema\n\
             modulepath /usr/lib/ldap\n\
             moduleload back_mdb\n\
             moduleload ppolicy\n\
             pidfile {dir}/slapd.pid\n\
             TLSCACertificateFile {dir}/ca.pem\n\
             TLSCertificateFile {dir}/server.pem\n\
             TLSCertificateKeyFile {dir}/server.key\n\
             database mdb\n\
             maxsize 10485760\n\
             suffix \"{SUFFIX}\"\n\
             rootdn \"cn=admin,{SUFFIX}\"\n\
             rootpw admin-root-pw\n\
             directory {dir}/db\n\
             access to attrs=userPassword by self write by anonymous auth by * none\n\
             access to * by users read by * none\n\
             overlay ppolicy\n\
             ppolicy_use_lockout\n",
            dir = d.display()
        );
        std::fs::write(d.join("slapd.conf"), conf).unwrap();
        std::fs::write(d.join("ad.schema"), AD_SCHEMA).unwrap();
        std::fs::write(d.join("data.ldif"), ldif() + &ad_ldif() + &policy_ldif()).unwrap();
        let conf_path = d.join("slapd.conf").display().to_string();
        run(Command::new("/usr/sbin/slapadd").args([
            "-f",
            &conf_path,
            "-l",
            &d.join("data.ldif").display().to_string(),
        ]));
        let (plain, tls) = (free_port(), free_port());
        let log = d.join("slapd.log");
        let child = Command::new("/usr/sbin/slapd")
            .args([
                "-f",
                &conf_path,
                "-h",
                &format!("ldap://127.0.0.1:{plain}/ ldaps://127.0.0.1:{tls}/"),
                // Foreground, logging connections and operations (stats).
                "-d",
                "256",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let slapd = Self {
            ldap_url: format!("ldap://127.0.0.1:{plain}"),
            ldaps_url: format!("ldaps://127.0.0.1:{tls}"),
            ca_file: d.join("ca.pem"),
            log,
            child,
            _dir: dir,
        };
        for port in [plain, tls] {
            let mut ready = false;
            for _ in 0..100 {
                if tokio::net::TcpStream::connect(("127.0.0.1", port))
                    .await
                    .is_ok()
                {
                    ready = true;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            assert!(
                ready,
                "slapd did not listen on {port}: {}",
                std::fs::read_to_string(&slapd.log).unwrap_or_default()
            );
        }
        slapd
    }

    /// How many simple binds with `dn` reached the directory so far.
    pub fn binds_as(&self, dn: &str) -> usize {
        // slapd writes its log lines a moment after answering.
        std::thread::sleep(Duration::from_millis(150));
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        // One `method=` line per bind attempt (a success adds a `mech=` one).
        let needle = format!("BIND dn=\"{dn}\" method=");
        log.lines().filter(|l| l.contains(&needle)).count()
    }

    /// How many connections the directory accepted so far.
    pub fn connections(&self) -> usize {
        std::thread::sleep(Duration::from_millis(150));
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        log.lines().filter(|l| l.contains(" ACCEPT from ")).count()
    }

    /// How many binds of any DN reached the directory so far.
    pub fn binds(&self) -> usize {
        std::thread::sleep(Duration::from_millis(150));
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        log.lines()
            .filter(|l| l.contains(" BIND dn=") && l.contains(" method="))
            .count()
    }
}

/// The DN of a person of the directory.
pub fn person_dn(uid: &str) -> String {
    format!("uid={uid},{PEOPLE}")
}

/// Search-then-bind over StartTLS with the test CA, people found by mail.
pub fn starttls_spec(slapd: &Slapd) -> LdapSpec {
    LdapSpec {
        url: Some(slapd.ldap_url.clone()),
        starttls: true,
        bind_dn: Some(SERVICE_DN.into()),
        user_base_dn: Some(PEOPLE.into()),
        user_filter: Some("(mail={username})".into()),
        group_base_dn: Some(GROUPS.into()),
        ca_file: Some(slapd.ca_file.display().to_string()),
        ..LdapSpec::default()
    }
}

pub async fn ldap_provider(app: &TestApp, ldap: LdapSpec, secret: Option<&str>) -> ProviderView {
    let spec = ProviderSpec {
        name: "Corp Directory".into(),
        domains: vec!["example.com".into()],
        trust_email: true,
        jit: true,
        enabled: true,
        ldap,
        ..ProviderSpec::default()
    };
    registry::create(
        &app.state,
        &ostiary::audit::Actor::system("test"),
        &Reach::global(),
        Kind::Ldap,
        spec,
        secret.map(str::to_owned),
    )
    .await
    .unwrap()
    .unwrap()
}

pub async fn login_page(b: &mut Browser) -> crate::helpers::Page {
    let page = b.get("/login?return_to=%2Faccount").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page
}

pub async fn post_login(b: &mut Browser, email: &str, password: &str) -> crate::helpers::Page {
    let form = login_page(b).await;
    b.post_from(
        &form,
        "/login",
        &[
            ("email", email),
            ("password", password),
            ("return_to", "/account"),
        ],
    )
    .await
}

pub async fn spawn(backend: Backend, tweak: impl FnOnce(&mut ostiary::config::Config)) -> TestApp {
    TestApp::spawn_with(backend, |c| {
        c.oidc.allow_private_targets = true;
        tweak(c);
    })
    .await
}
