"""Plots panel: loss (train and test, log scale option), accuracy for
classification, the learning rate actually used, and the weight matrices."""

from imgui_bundle import imgui

from . import actions, plots
from .widgets import DIM


def draw(state, session) -> None:
    h = session.history
    if session.trainer is None:
        imgui.text_colored(DIM, "no training (target 'none')")
    else:
        changed, log = imgui.checkbox("log scale", state.log_loss)
        if changed:
            actions.set_log_loss(state, session, log)
        plots.loss_plot(session.loss_history, state.log_loss)
    if session.dataset.n_classes:
        acc = h["accuracy"]
        imgui.text(f"accuracy {acc[-1]:.1%}" if acc else "accuracy -")
        plots.series_plot("##accuracy", "accuracy", h["accuracy_step"], acc)
    if session.trainer is not None:
        imgui.text(f"learning rate {h['lr'][-1]:.3g}" if h["lr"] else "learning rate -")
        plots.series_plot("##lr", "lr", h["step"], h["lr"], height=6.0)
    if imgui.tree_node("weight matrices"):
        net = session.latest_network()
        size = imgui.get_content_region_avail().x
        for i in range(net.spec.depth):
            s = net.layout.layers[i]
            imgui.text_colored(DIM, f"W{i}: {s.n_out} x {s.n_in} ({s.activation})")
            plots.weight_heatmap(f"W{i}", net.W(i), size)
        imgui.tree_pop()
