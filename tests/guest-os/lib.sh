# Shared by the tests/guest-os/*.sh scripts that boot several domains:
# sourced after they set $suite (the name PASS/FAIL lines carry) and $log.
passed=0 failed=0

check() {   # check NAME CONDITION-RESULT WHY
    if [ "$2" = 0 ]; then
        passed=$((passed + 1)); echo "PASS guest-os $suite $1"
    else
        failed=$((failed + 1)); echo "FAIL guest-os $suite $1: $3"
    fi
}
# One domain's lines of $log, without the "(dN) " prefix (d0: the
# unprefixed ones, pvx's own lines left out).
lines_of() {   # lines_of N
    if [ "$1" = 0 ]; then
        tr -d '\r' < "$log" | grep -Ev '^\((d[0-9]+|pvx)\) '
    else
        tr -d '\r' < "$log" | sed -n "s/^(d$1) //p"
    fi
}
