# Timed steps for the test scripts (sourced): `step TITLE COMMAND...` runs
# COMMAND under a `-- TITLE` heading and records how long it took;
# `print_steps` lists the times.

step_names=()
step_seconds=()

step() {
    local title=$1
    shift
    echo "-- $title"
    local start=$SECONDS
    "$@"
    step_names+=("$title")
    step_seconds+=($((SECONDS - start)))
}

print_steps() {
    local i
    for i in "${!step_names[@]}"; do
        printf '%6d s  %s\n' "${step_seconds[$i]}" "${step_names[$i]}"
    done
}
