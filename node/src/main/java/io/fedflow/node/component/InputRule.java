package io.fedflow.node.component;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The DSL inputs a module cannot run without, checked at submit: satisfied when the component's inputs
 * match one of the alternatives. LR, for one, trains on {@code train_data} (or {@code data}), or scores
 * {@code test_data} with an input model.
 *
 * @param alternatives any one of them will do; none means the module needs no input (Reader)
 * @param description what is needed, for the refusal ("input data.train_data (or data.data) ...")
 */
public record InputRule(List<Alternative> alternatives, String description) {
    public static final InputRule NONE = new InputRule(List.of(), "nothing");

    /**
     * One way to satisfy the rule.
     *
     * @param dataKeys at least one of these input.data keys must list a table (empty: no data needed)
     * @param model whether input.model must list a model
     */
    public record Alternative(Set<String> dataKeys, boolean model) {
        boolean satisfiedBy(Set<String> givenDataKeys, boolean givenModel) {
            return (dataKeys.isEmpty() || dataKeys.stream().anyMatch(givenDataKeys::contains))
                    && (!model || givenModel);
        }
    }

    public static Alternative data(String... keys) {
        return new Alternative(Set.of(keys), false);
    }

    public static Alternative modelAndData(String... keys) {
        return new Alternative(Set.of(keys), true);
    }

    public static InputRule anyOf(String description, Alternative... alternatives) {
        return new InputRule(Arrays.asList(alternatives), description);
    }

    /** Whether inputs with tables under {@code dataKeys} (and a model when {@code hasModel}) will do. */
    public boolean satisfiedBy(Set<String> dataKeys, boolean hasModel) {
        return alternatives.isEmpty() || alternatives.stream().anyMatch(a -> a.satisfiedBy(dataKeys, hasModel));
    }
}
