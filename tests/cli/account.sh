# account.sh -- aimaq account add|list|token|tokens|revoke|disable|enable: the
# first administrator of an empty workspace made from the CLI (the system
# account), passwords from $AIMAQ_PASSWORD or stdin only, stored as Argon2id
# hashes, never in clear; API tokens listed by id and revoked one by one.
. tests/cli/lib.inc
DB=$(new_store ws.db) || { finish; exit 1; }
printf 'code,parent,level,name_en\n000000000,,country,Kazakhstan\n750000000,000000000,region,Almaty\n751110000,750000000,district,Almaly\n' > "$T/units.csv"
unset AIMAQ_PASSWORD AQ_PWHASH_FAST

# The first account of an empty workspace (real Argon2id cost).
AIMAQ_PASSWORD='first admin passphrase' expect 0 "$AIMAQ" account add admin --role admin --db "$DB"
has "$T/err" "account 'admin' created: role admin (id 1)"
eq "$(dbq "$DB" "SELECT substr(pw_hash, 1, 31) FROM accounts WHERE name = 'admin'")" '$argon2id$v=19$m=65536,t=2,p=1$' "Argon2id INTERACTIVE"
export AQ_PWHASH_FAST=1 # the rest of the hashes at libsodium's minimum cost
expect 0 "$AIMAQ" import "$T/units.csv" --db "$DB"
# The password from the first line of standard input.
printf 'almaty editor pw\n' > "$T/pw"
expect 0 "$AIMAQ" account add almaty --role regional --scope 750000000 --db "$DB" < "$T/pw"
has "$T/err" "role regional, scope 750000000 (id 2)"
AIMAQ_PASSWORD='ministry analyst' expect 0 "$AIMAQ" account add ministry --role central --db "$DB"
# Refusals.
expect 1 "$AIMAQ" account add nopw --role viewer --db "$DB" < /dev/null
has "$T/err" "no password: set AIMAQ_PASSWORD or give it on standard input"
AIMAQ_PASSWORD='short' expect 1 "$AIMAQ" account add weak --role viewer --db "$DB"
has "$T/err" "at least 10 characters"
AIMAQ_PASSWORD='0123456789ab' expect 2 "$AIMAQ" account add admin --role admin --db "$DB"
has "$T/err" "an account 'admin' exists already"
AIMAQ_PASSWORD='0123456789ab' expect 1 "$AIMAQ" account add x --role root --db "$DB"
has "$T/err" "--role must be admin, central, regional or viewer (not 'root')"
AIMAQ_PASSWORD='0123456789ab' expect 1 "$AIMAQ" account add x --role regional --scope 990000000 --db "$DB"
has "$T/err" "scope unit '990000000' is not in the store"
AIMAQ_PASSWORD='0123456789ab' expect 1 "$AIMAQ" account add x --role regional --db "$DB"
has "$T/err" "a regional editor needs a scope"
expect 1 "$AIMAQ" account remove x --db "$DB"
# Listing: names, roles, scopes; never a hash.
expect 0 "$AIMAQ" account list --db "$DB" --format csv
has "$T/out" "id,name,role,scope,created_at,disabled"
has "$T/out" "2,almaty,regional,750000000,"
has "$T/out" "3,ministry,central,,"
hasnt "$T/out" "argon2"
# An API token, printed once; only its SHA-256 is stored.
expect 0 "$AIMAQ" account token almaty --label nightly --db "$DB"
tok=$(cat "$T/out")
if [[ "$tok" =~ ^[0-9a-f]{64}$ ]]; then ok; else bad "token is not 64 hex digits: '$tok'"; fi
eq "$(dbq "$DB" "SELECT count(*) FROM api_tokens WHERE token_sha = '$tok'")" "0" "token stored in clear"
sha=$(printf '%s' "$tok" | sha256sum | cut -d' ' -f1)
eq "$(dbq "$DB" "SELECT count(*) FROM api_tokens WHERE token_sha = '$sha'")" "1" "token's SHA-256 stored"
expect 2 "$AIMAQ" account token nobody --db "$DB"
has "$T/err" "no account 'nobody'"
# The audit log saw every change, made by the system account.
eq "$(dbq "$DB" "SELECT count(*) FROM audit WHERE account = 'system' AND action = 'account-add'")" "3" "audited account-add"
eq "$(dbq "$DB" "SELECT count(*) FROM audit WHERE action = 'token-new' AND object = 'account almaty' AND new_value = 'nightly'")" "1" "audited token-new"
# Listing tokens: id = the first 12 hex digits of the SHA-256, never the
# secret nor the whole hash; all of them, or one account's.
expect 0 "$AIMAQ" account token ministry --label 'ministry script' --db "$DB"
mtok=$(cat "$T/out")
msha=$(printf '%s' "$mtok" | sha256sum | cut -d' ' -f1)
aid=${sha:0:12}
mid=${msha:0:12}
expect 0 "$AIMAQ" account tokens --db "$DB" --format csv
has "$T/out" "id,account,label,created_at"
has "$T/out" "$aid,almaty,nightly,"
has "$T/out" "$mid,ministry,ministry script,"
eq "$(wc -l < "$T/out")" "3" "header and two tokens"
hasnt "$T/out" "$tok"
hasnt "$T/out" "$mtok"
hasnt "$T/out" "$sha"
expect 0 "$AIMAQ" account tokens almaty --db "$DB" --format json
has "$T/out" "\"$aid\""
hasnt "$T/out" "ministry"
expect 2 "$AIMAQ" account tokens nobody --db "$DB"
has "$T/err" "no account 'nobody'"
expect 1 "$AIMAQ" account tokens almaty ministry --db "$DB"
# Revoking one token: the ministry's goes, audited as made by the system
# account with the id (never the secret); almaty's stays; the account too.
expect 0 "$AIMAQ" account revoke "$mid" --db "$DB"
has "$T/err" "API token $mid revoked"
eq "$(dbq "$DB" "SELECT count(*) FROM api_tokens WHERE token_sha = '$msha'")" "0" "ministry token revoked"
eq "$(dbq "$DB" "SELECT count(*) FROM api_tokens WHERE token_sha = '$sha'")" "1" "almaty token kept"
eq "$(dbq "$DB" "SELECT disabled FROM accounts WHERE name = 'ministry'")" "0" "ministry still enabled"
eq "$(dbq "$DB" "SELECT account || '|' || old_value || '|' || new_value FROM audit WHERE action = 'token-revoke' AND object = 'account ministry, token $mid'")" "system|ministry script|revoked" "audited token-revoke"
eq "$(dbq "$DB" "SELECT count(*) FROM audit WHERE object LIKE '%$mtok%' OR old_value LIKE '%$mtok%' OR new_value LIKE '%$mtok%'")" "0" "no secret in the audit log"
expect 0 "$AIMAQ" account tokens --db "$DB" --format csv
hasnt "$T/out" "$mid"
# Again: not found; not an id; no id.
expect 2 "$AIMAQ" account revoke "$mid" --db "$DB"
has "$T/err" "no API token with id '$mid'"
expect 1 "$AIMAQ" account revoke "$mtok" --db "$DB"
has "$T/err" "that is an API token itself, not its id"
hasnt "$T/err" "${mtok:0:8}"
expect 1 "$AIMAQ" account revoke 12345 --db "$DB"
has "$T/err" "token id '12345': expected the 12 hex digits"
expect 1 "$AIMAQ" account revoke --db "$DB"
# Two hashes sharing the first 12 digits (made by hand): refused, both kept.
dbq "$DB" "INSERT INTO api_tokens(token_sha, account_id, label) VALUES ('abcdefabcdef$(printf '%052d' 0)', 3, 'twin'), ('abcdefabcdef$(printf '%051d' 0)1', 3, 'twin')"
expect 2 "$AIMAQ" account revoke ABCDEFABCDEF --db "$DB"
has "$T/err" "token id 'abcdefabcdef' is ambiguous: 2 API tokens"
eq "$(dbq "$DB" "SELECT count(*) FROM api_tokens WHERE label = 'twin'")" "2" "ambiguous id: nothing revoked"
dbq "$DB" "DELETE FROM api_tokens WHERE label = 'twin'"
# Disabling an account ends its tokens at once; it is audited with the old
# and new state; enabling lets it log in again but the tokens stay gone.
eq "$(dbq "$DB" "SELECT count(*) FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE a.name = 'almaty'")" "1" "a token before"
expect 0 "$AIMAQ" account disable almaty --db "$DB"
has "$T/err" "account 'almaty' disabled: its sessions and API tokens have ended"
eq "$(dbq "$DB" "SELECT disabled FROM accounts WHERE name = 'almaty'")" "1" "disabled"
eq "$(dbq "$DB" "SELECT count(*) FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE a.name = 'almaty'")" "0" "tokens revoked"
eq "$(dbq "$DB" "SELECT old_value || '>' || new_value FROM audit WHERE action = 'account-disable'")" "enabled>disabled" "audited disable"
expect 0 "$AIMAQ" account enable almaty --db "$DB"
eq "$(dbq "$DB" "SELECT disabled FROM accounts WHERE name = 'almaty'")" "0" "enabled again"
expect 2 "$AIMAQ" account disable nobody --db "$DB"
has "$T/err" "no account 'nobody'"
expect 1 "$AIMAQ" account disable --db "$DB"
# No password in clear anywhere in the store's files (on PostgreSQL: in a
# dump of all its data).
store_bytes() { if on_pg; then pg_dump -a "$DB" 2> /dev/null; else cat "$DB"*; fi; } # (the hash check below catches a failed dump)
store_bytes | grep -qaF '$argon2id$' && ok || bad "no hash in the store's bytes: the check below would prove nothing"
for pw in 'first admin passphrase' 'almaty editor pw' 'ministry analyst'; do
  if store_bytes | grep -qaF "$pw"; then bad "password '$pw' is in the store file"; else ok; fi
done
finish
