#!/bin/sh
# Expiring messages: seal --expire, epoch identities and cards, open
# before and after, with the clock moved by libfaketime.
. "$(dirname "$0")/lib.sh"
SEAL="$BIN/tacit-seal"
OPEN="$BIN/tacit-open"
KEYGEN="$BIN/tacit-keygen"
EXPIRE="$BIN/tacit-expire"
cd "$T" || exit 2
printf 'meet at noon\n' >msg

CASE="soft expiry"
"$KEYGEN" -o me.key 2>/dev/null
R=$("$KEYGEN" -y me.key)
expect 0 "seal --expire 1h" "$SEAL" --expire 1h -r "$R" -o soft.age msg
match "expiry stanza in the header" '^-> tacit/expires [1-9][0-9]*$' soft.age
expect 0 "open before the expiry" "$OPEN" -i me.key soft.age
same "$T/out" msg "plaintext before the expiry"
expect 0 "seal --expire with an RFC 3339 time" "$SEAL" \
    --expire 2099-01-01T00:00:00Z -r "$R" -o far.age msg
match "RFC 3339 expiry" '^-> tacit/expires 4070908800$' far.age
expect 2 "an expiry in the past" "$SEAL" --expire 2001-01-01T00:00:00Z \
    -r "$R" msg
expect 2 "a bad expiry" "$SEAL" --expire soon -r "$R" msg
match "bad expiry message" "invalid expiry 'soon'" "$T/err"
expect 2 "--expire with -p" "$SEAL" --expire 1h -p --passphrase-fd 0 msg
match "the reason" "no other stanza beside a passphrase" "$T/err"
if [ $have_faketime = 1 ]; then
	expect 1 "open after the expiry" later '+2h' "$OPEN" -i me.key \
	    -o soft.out soft.age
	match "expired message" "message expired at [0-9]{4}-" "$T/err"
	if [ -e soft.out ]; then fail "wrote the plaintext of an expired message"; else pass; fi
	no_temp "$T"
	expect 1 "open after the expiry, to stdout" later '+2h' "$OPEN" \
	    -i me.key soft.age
	if [ -s "$T/out" ]; then fail "released an expired message"; else pass; fi
	expect 0 "open just before the expiry" later '+50m' "$OPEN" \
	    -i me.key soft.age
else
	skip "soft expiry after the deadline: no working faketime"
fi
if command -v age >/dev/null 2>&1; then
	if [ $have_faketime = 1 ]; then
		expect 0 "age ignores the stanza and decrypts" later '+2h' \
		    age -d -i me.key soft.age
	else
		expect 0 "age ignores the stanza and decrypts" age -d -i me.key \
		    soft.age
	fi
	same "$T/out" msg "age's plaintext"
else
	skip "age not installed"
fi

CASE="the stanza is authenticated"
# Remove it (its line and its empty body), change its time: the header
# MAC fails.
LC_ALL=C awk '/^-> tacit\/expires /{ getline; next } { print }' soft.age \
    >removed.age
expect 2 "stanza removed" "$OPEN" -i me.key removed.age
match "MAC failure" "header MAC" "$T/err"
sed 's/^\(-> tacit\/expires \)1/\19/' soft.age >altered.age
expect 2 "stanza altered" "$OPEN" -i me.key altered.age
match "MAC failure" "header MAC" "$T/err"
sed 's/^\(-> tacit\/expires [0-9]*\)$/\1 1/' soft.age >extra.age
expect 2 "stanza with an extra argument" "$OPEN" -i me.key extra.age

CASE="epoch identities"
expect 2 "epochs need -o" "$KEYGEN" --epochs 1d
expect 2 "epochs too short" "$KEYGEN" --epochs 10s -o short.key
expect 0 "keygen --epochs" "$KEYGEN" --epochs 1d --horizon 10d -o ep.key
if [ "$(stat -c %a ep.key)" = 600 ]; then pass; else fail "epoch identity mode $(stat -c %a ep.key)"; fi
match "identity line" '^TACIT-EPOCH-IDENTITY-1 period=86400 horizon=864000 index=[0-9]+ seed=[A-Za-z0-9+/]{43} sign=[A-Za-z0-9+/]{43}$' ep.key
expect 2 "never overwritten" "$KEYGEN" --epochs 1d -o ep.key
expect 0 "keygen -y prints the card" "$KEYGEN" -y ep.key
cp "$T/out" card
match "card tag" '^tacit-epoch-card v1$' card
if [ "$(grep -c '^epoch ' card)" = 11 ]; then pass; else fail "card has $(grep -c '^epoch ' card) epochs, wanted 11"; fi
match "signature" '^signature [A-Za-z0-9+/]{86}$' card
expect 0 "seal --expire 2d to the card" "$SEAL" --expire 2d -R card \
    -o ep.age msg
if [ "$(grep -ac '^-> X25519 ' ep.age)" = 1 ]; then pass; else fail "not one X25519 stanza"; fi
match "expiry stanza" '^-> tacit/expires ' ep.age
expect 0 "open with the epoch identity" "$OPEN" -i ep.key ep.age
same "$T/out" msg "epoch plaintext"
expect 2 "a card needs --expire" "$SEAL" -R card msg
expect 2 "expiry past the horizon" "$SEAL" --expire 30d -R card msg
match "horizon message" "horizon" "$T/err"
expect 2 "a permanent recipient beside a card" "$SEAL" --expire 2d \
    -R card -r "$R" msg
match "the reason" "outlive the expiry" "$T/err"
expect 0 "... unless --force" "$SEAL" --expire 2d --force -R card \
    -r "$R" -o forced.age msg
expect 0 "the permanent recipient opens it" "$OPEN" -i me.key forced.age

CASE="--signer"
SIGNER=$(sed -n 's/^signer //p' card)
expect 0 "--signer: the card's own signer" "$SEAL" --expire 2d --signer "$SIGNER" -R card -o pinned.age msg
expect 0 "... opens" "$OPEN" -i ep.key pinned.age
"$KEYGEN" --epochs 1d --horizon 10d -o other.key 2>/dev/null
"$KEYGEN" -y other.key >other.card 2>/dev/null
OTHER=$(sed -n 's/^signer //p' other.card)
expect 2 "--signer: a card signed by another key" "$SEAL" --expire 2d --signer "$OTHER" -R card -o no.age msg
match "... named" "epoch card 'card' is signed by $(printf '%s' "$SIGNER" | sed 's/[+/]/./g'), not by a --signer key" "$T/err"
test -e no.age && fail "... and nothing written" || pass
expect 0 "--signer twice, two cards" "$SEAL" --expire 2d --signer "$OTHER" --signer "$SIGNER" -R card -R other.card -o two.age msg
expect 2 "--signer: one card of two unknown" "$SEAL" --expire 2d --signer "$SIGNER" -R card -R other.card msg
expect 2 "--signer: not a key" "$SEAL" --expire 2d --signer nonsense -R card msg
match "... the reason" 'invalid --signer key' "$T/err"
expect 2 "--signer without a card" "$SEAL" --signer "$SIGNER" -r "$R" msg

CASE="tampered cards"
old=$(sed -n '3,$s/^epoch [0-9]* [0-9]* //p' card | sed -n 2p)
sed "s/$old/$R/" card >swapped.card
expect 2 "an epoch key swapped for another" "$SEAL" --expire 2d \
    -R swapped.card msg
match "signature refused" "signature does not verify" "$T/err"
awk '/^epoch /{ $3 = $3 + 86400 } { print }' card >moved.card
expect 2 "a destroy-at time moved" "$SEAL" --expire 2d -R moved.card msg
grep -v '^signature ' card >unsigned.card
expect 2 "no signature" "$SEAL" --expire 2d -R unsigned.card msg
sed '/^epoch /{n;d}' card >gap.card
expect 2 "an epoch dropped" "$SEAL" --expire 2d -R gap.card msg
tr -d '\r' <card | sed 's/$/\r/' >crlf.card
expect 0 "a card converted to CRLF line ends still verifies" "$SEAL" \
    --expire 2d -R crlf.card -o crlf.age msg
sed "s/$old/$R/" crlf.card >crlf-swapped.card
expect 2 "... but not when altered" "$SEAL" --expire 2d -R crlf-swapped.card msg
cat ep.key me.key >mixed.key
expect 2 "an epoch identity with a key after it" "$OPEN" -i mixed.key ep.age
match "one identity a file" "one identity a file" "$T/err"
expect 2 "a leap day that does not exist" "$SEAL" \
    --expire 2027-02-29T00:00:00Z -r "$R" msg
expect 0 "a leap day that does" "$SEAL" --expire 2028-02-29T00:00:00Z \
    -r "$R" -o leap.age msg
match "2028-02-29" '^-> tacit/expires 1835395200$' leap.age
"$KEYGEN" -o other.key 2>/dev/null
expect 2 "a wrong key before the expiry: no talk of destroyed keys" \
    "$OPEN" -i other.key soft.age
nomatch "no hint" "destroyed" "$T/err"

CASE="epochs and the clock"
if [ $have_faketime = 1 ]; then
	# The message lives until its epoch ends (at most a day past 2d).
	expect 0 "open on day 1" later '+1d' "$OPEN" -i ep.key ep.age
	expect 1 "open on day 4: past epoch, even without a ratchet" \
	    later '+4d' "$OPEN" -i ep.key ep.age
	match "clear message" "message expired at .* its epoch key is destroyed" "$T/err"
	if [ -x "$EXPIRE" ]; then
		cp ep.key ep2.key
		expect 0 "ratchet 4 days on" later '+4d' "$EXPIRE" --keys ep2.key
		if cmp -s ep.key ep2.key; then fail "the ratchet changed nothing"; else pass; fi
		expect 2 "after the ratchet, with the clock set back" \
		    "$OPEN" -i ep2.key ep.age
		expect 2 "... and set further back" later '-5d' "$OPEN" \
		    -i ep2.key ep.age
		match "clear message" "no identity matches" "$T/err"
		cmp -s ep.age ep.age && pass
		expect 0 "the old identity (a copy kept) still opens it today" \
		    "$OPEN" -i ep.key ep.age
		expect 0 "a new card from the ratcheted identity" later '+4d' \
		    "$KEYGEN" -y ep2.key
		first=$(sed -n 's/^epoch \([0-9]*\) .*/\1/p' "$T/out" | head -1)
		old_first=$(sed -n 's/^epoch \([0-9]*\) .*/\1/p' card | head -1)
		if [ "$first" = $((old_first + 4)) ]; then pass; else fail "card starts at $first, wanted $((old_first + 4))"; fi
	else
		skip "tacit-expire not built"
	fi
else
	skip "epochs and the clock: no working faketime"
fi
t_done
