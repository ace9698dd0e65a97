package org.wdf4j.host.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The {@code wdf4j verify} battery: its cases, in the order they run, and running them on a target. */
public final class Battery {

    private final List<VerifyCase> cases;

    private Battery(List<VerifyCase> cases) {
        this.cases = List.copyOf(cases);
    }

    /**
     * The whole battery.
     *
     * @param allocateFail when not null, the allocate-fail case runs only that N (a replay)
     */
    public static Battery all(Integer allocateFail) {
        return new Battery(List.of(new DisableEnableCase(), RemovalCase.orderly(), RemovalCase.surprise(),
                new SleepResumeCase(), new CancelStormCase(), new UnloadOutstandingCase(),
                new AllocateFailCase(allocateFail), new InterleavingCase()));
    }

    /** The cases' names, in order. */
    public List<String> names() {
        return cases.stream().map(VerifyCase::name).toList();
    }

    /**
     * The battery with only the named cases (all when {@code names} is empty).
     *
     * @throws IllegalArgumentException naming a case that does not exist, and the cases that do
     */
    public Battery only(List<String> names) {
        if (names.isEmpty()) {
            return this;
        }
        for (String n : names) {
            if (!names().contains(n)) {
                throw new IllegalArgumentException("no case named '" + n + "'; the cases are " + String.join(", ", names()));
            }
        }
        return new Battery(cases.stream().filter(c -> names.contains(c.name())).toList());
    }

    /** Runs the cases in order, telling {@code done} each result as it comes. */
    public VerifyResult run(VerifyTarget target, Consumer<CaseResult> done) {
        List<CaseResult> results = new ArrayList<>();
        for (VerifyCase c : cases) {
            CaseResult r = c.run(target);
            results.add(r);
            done.accept(r);
        }
        return new VerifyResult(target, results);
    }
}
