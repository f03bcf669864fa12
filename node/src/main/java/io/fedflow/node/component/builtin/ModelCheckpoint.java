package io.fedflow.node.component.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.component.ComponentContext;
import io.fedflow.node.component.Param;
import io.fedflow.node.component.ParamSpec;
import java.util.List;
import java.util.function.Supplier;

/**
 * FATE's ModelCheckpoint callback, on when {@code callback_param.callbacks} lists "ModelCheckpoint": at the end
 * of iteration {@code i} (0-based) with {@code i % save_freq == 0} the task saves its model as it is then. As in
 * FATE (callbacks/model_checkpoint.py) the first iteration is always saved and the last one only when it falls
 * on that rule; {@code save_freq} is a positive integer or "epoch" (every iteration), 1 by default. The step
 * name is FATE's for linear models, the literal "step_name" (ModelBase's default, which they keep).
 */
final class ModelCheckpoint {
    static final String CALLBACK = "ModelCheckpoint";
    static final String STEP_NAME = "step_name";

    /** callback_param as LR and HeteroLR check it at submit: callbacks a list of names, save_freq as above. */
    static final ParamSpec PARAM = Param.object()
            .field("callbacks", Param.list().elements(Param.string()))
            .field("save_freq", Param.any().where(v -> v.isIntegralNumber() && v.canConvertToInt() && v.asInt() >= 1
                    || v.isTextual() && "epoch".equals(v.asText()), "a positive integer or \"epoch\""));

    private final int saveFreq;

    private ModelCheckpoint(int saveFreq) {
        this.saveFreq = saveFreq;
    }

    /** The callback the parameters ask for, or null when callback_param does not list ModelCheckpoint. */
    static ModelCheckpoint of(Params p) {
        Params callback = p.object("callback_param");
        if (!callback.strings("callbacks", List.of()).contains(CALLBACK)) {
            return null;
        }
        JsonNode freq = callback.node("save_freq");
        if (freq == null) {
            return new ModelCheckpoint(1);
        }
        if (freq.isTextual() && "epoch".equals(freq.asText())) {
            return new ModelCheckpoint(1);
        }
        if (!freq.isIntegralNumber() || !freq.canConvertToInt() || freq.asInt() < 1) {
            throw p.bad("callback_param", "field save_freq must be a positive integer or \"epoch\", got " + freq);
        }
        return new ModelCheckpoint(freq.asInt());
    }

    boolean due(int iteration) {
        return iteration % saveFreq == 0;
    }

    /**
     * Saves the model of the iteration that just ended when it is due: {@code param} (built only then) and
     * {@code meta}, under the name the component saves its final model ("model").
     */
    void onIterationEnd(ComponentContext ctx, int iteration, Supplier<JsonNode> param, JsonNode meta) {
        if (due(iteration)) {
            ctx.saveCheckpoint(iteration, STEP_NAME, "model", param.get(), meta);
        }
    }
}
