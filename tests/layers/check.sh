#!/bin/sh
# check.sh: a layer includes only the layers below it (make layers, in make test); prints each include that breaks the rule.
#
# The layers, lowest first, and what each may include besides itself
# (docs/architecture.md explains them). A file's layer is its folder under
# src/; src/http/<x>/ is the layer "http/<x>". Includes are resolved as the
# compiler does: the including file's folder first, then src/.
cd "$(dirname "$0")/../.." || exit 1

ALLOWED='
util:
settings: util
store: util settings
render: util
catalog: util render
search: util
publish: util render catalog search
auth: util store
deflection: util store render
tickets: util store render deflection
community: util store render search
mail: util settings store render tickets
http/core: util settings store render catalog search publish auth deflection tickets community
http/deflection: util settings store render catalog search publish auth deflection tickets community http/core
http/catalog: util settings store render catalog search publish auth deflection tickets community http/core http/deflection
http/community: util settings store render catalog search publish auth deflection tickets community http/core http/deflection
http/search: util settings store render catalog search publish auth deflection tickets community http/core http/deflection http/catalog http/community
http/tickets: util settings store render catalog search publish auth deflection tickets community http/core http/deflection http/community
hcctl: util settings store render catalog search publish auth deflection tickets community mail
app: util settings store render catalog search publish auth deflection tickets community mail http/core http/deflection http/catalog http/community http/search http/tickets
'

# layer of a path under src/ (a file or a folder)
layer_of() {
	case "$1" in
	http/*/*) echo "$1" | cut -d/ -f1-2 ;;
	*/*) echo "$1" | cut -d/ -f1 ;;
	settings.*) echo settings ;;
	app.c) echo app ;;
	*) echo "?" ;;
	esac
}

bad=0
files=0
for f in $(cd src && find . \( -name '*.c' -o -name '*.h' -o -name '*.cc' \) | sed 's#^\./##' | sort); do
	files=$((files + 1))
	from=$(layer_of "$f")
	allowed=$(printf '%s\n' "$ALLOWED" | awk -F': *' -v l="$from" '$1 == l { print $2 }')
	if ! printf '%s\n' "$ALLOWED" | grep -q "^$from:"; then
		echo "layers: src/$f is in no known layer ($from): add its folder to tests/layers/check.sh"
		bad=$((bad + 1))
		continue
	fi
	dir=$(dirname "$f")
	for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "src/$f"); do
		if [ "$dir" != . ] && [ -f "src/$dir/$inc" ]; then
			target="$dir/$inc"
		elif [ -f "src/$inc" ]; then
			target="$inc"
		else
			echo "layers: src/$f includes \"$inc\", which is not in src/"
			bad=$((bad + 1))
			continue
		fi
		to=$(layer_of "$target")
		[ "$to" = "$from" ] && continue
		case " $allowed " in
		*" $to "*) ;;
		*)	echo "layers: src/$f ($from) includes $target ($to), a layer not below it"
			bad=$((bad + 1)) ;;
		esac
	done
done
if [ $bad -eq 0 ]; then
	echo "layers: $files files, every include goes down"
else
	echo "layers: $bad includes break the layering"
fi
[ $bad -eq 0 ]
