"""Maps protocol loss names to PyTorch calls.

Each entry: (input names in protocol order, names of inputs that get a
gradient when they are floating point, callable(inputs, options) -> Tensor).
Options use PyTorch's keyword names; tensors already converted.
"""
import torch
import torch.nn.functional as F
from torch.distributions import Categorical


def _entropy(I, O):
    red = O.get("reduction", "none")
    d = Categorical(probs=I.get("probs"), logits=I.get("logits"))
    e = d.entropy()
    if red == "none":
        return e
    if red == "mean":
        return e.mean()
    if red == "sum":
        return e.sum()
    raise AssertionError("generator bug: entropy reduction %r" % red)


def _cosine_distance(a, b):
    # 1 - cosine_similarity over the last dimension (dim=1 for (N, D) inputs;
    # dim=-1 also serves unbatched (D) inputs).
    return 1.0 - F.cosine_similarity(a, b, dim=-1)


def _triplet_dist(I, O):
    O = dict(O)
    name = O.pop("distance_function", None)
    if name is None or name == "pairwise_distance":
        fn = None  # torch's default: F.pairwise_distance
    elif name == "cosine_distance":
        fn = _cosine_distance
    else:
        raise AssertionError("generator bug: distance_function %r" % name)
    return F.triplet_margin_with_distance_loss(I["anchor"], I["positive"], I["negative"],
                                               distance_function=fn, **O)


def _ctc(I, O):
    return F.ctc_loss(I["log_probs"], I["targets"], I["input_lengths"], I["target_lengths"], **O)


def _linear_cross_entropy(I, O):
    """F.cross_entropy(F.linear(input, W, b).reshape(-1, V), target.reshape(-1), ...) plus softcap
    (logits -> softcap * tanh(logits / softcap)) and z_loss (z_loss * logsumexp(logits)^2 per row not ignored,
    reduced like the loss), as eval-protocol.md defines them."""
    O = dict(O)
    cap = O.pop("softcap", None)
    zl = O.pop("z_loss", 0.0)
    x, w, b, t = I["input"], I["linear_weight"], I.get("linear_bias"), I["target"]
    if t.dtype != torch.int64:
        raise ValueError("linear_cross_entropy: target must be int64 class indices, got %s" % t.dtype)
    if tuple(t.shape) != tuple(x.shape[:-1]):
        raise ValueError("linear_cross_entropy: target shape %s must be the input's leading shape %s"
                         % (tuple(t.shape), tuple(x.shape[:-1])))
    if cap is not None and not cap > 0:
        raise ValueError("linear_cross_entropy: softcap must be > 0, got %r" % cap)
    if not zl >= 0:
        raise ValueError("linear_cross_entropy: z_loss must be >= 0, got %r" % zl)
    V = w.shape[0]
    logits = F.linear(x, w, b).reshape(-1, V)
    if cap is not None:
        logits = cap * torch.tanh(logits / cap)
    tt = t.reshape(-1)
    red = O.get("reduction", "mean")
    loss = F.cross_entropy(logits, tt, **O)
    if zl > 0:
        keep = tt != O.get("ignore_index", -100)
        lse = torch.logsumexp(logits, dim=-1)
        if red == "none":
            loss = loss + torch.where(keep, zl * lse * lse, torch.zeros_like(lse))
        elif red == "sum":
            loss = loss + zl * (lse[keep] ** 2).sum()
        else:
            loss = loss + zl * (lse[keep] ** 2).sum() / keep.sum()
    return loss.reshape(t.shape) if red == "none" else loss


def _two(f):
    return lambda I, O: f(I["input"], I["target"], **O)


LOSSES = {
    "l1_loss": (["input", "target"], ["input", "target"], _two(F.l1_loss)),
    "mse_loss": (["input", "target"], ["input", "target"], _two(F.mse_loss)),
    "cross_entropy": (["input", "target"], ["input", "target"], _two(F.cross_entropy)),
    "nll_loss": (["input", "target"], ["input"], _two(F.nll_loss)),
    "poisson_nll_loss": (["input", "target"], ["input", "target"], _two(F.poisson_nll_loss)),
    "gaussian_nll_loss": (["input", "target", "var"], ["input", "target", "var"],
                          lambda I, O: F.gaussian_nll_loss(I["input"], I["target"], I["var"], **O)),
    "kl_div": (["input", "target"], ["input", "target"], _two(F.kl_div)),
    "binary_cross_entropy": (["input", "target"], ["input", "target"], _two(F.binary_cross_entropy)),
    "binary_cross_entropy_with_logits": (["input", "target"], ["input", "target"],
                                         _two(F.binary_cross_entropy_with_logits)),
    "margin_ranking_loss": (["input1", "input2", "target"], ["input1", "input2", "target"],
                            lambda I, O: F.margin_ranking_loss(I["input1"], I["input2"], I["target"], **O)),
    # target of hinge_embedding_loss only selects a branch (autograd gives None)
    "hinge_embedding_loss": (["input", "target"], ["input"], _two(F.hinge_embedding_loss)),
    "multilabel_margin_loss": (["input", "target"], ["input"], _two(F.multilabel_margin_loss)),
    "huber_loss": (["input", "target"], ["input", "target"], _two(F.huber_loss)),
    "smooth_l1_loss": (["input", "target"], ["input", "target"], _two(F.smooth_l1_loss)),
    # torch: "soft_margin_loss is not differentiable with respect to argument 'target'"
    "soft_margin_loss": (["input", "target"], ["input"], _two(F.soft_margin_loss)),
    "multilabel_soft_margin_loss": (["input", "target"], ["input", "target"],
                                    _two(F.multilabel_soft_margin_loss)),
    # target of cosine_embedding_loss only selects a branch (autograd gives None)
    "cosine_embedding_loss": (["input1", "input2", "target"], ["input1", "input2"],
                              lambda I, O: F.cosine_embedding_loss(I["input1"], I["input2"], I["target"], **O)),
    "multi_margin_loss": (["input", "target"], ["input"], _two(F.multi_margin_loss)),
    "triplet_margin_loss": (["anchor", "positive", "negative"], ["anchor", "positive", "negative"],
                            lambda I, O: F.triplet_margin_loss(I["anchor"], I["positive"], I["negative"], **O)),
    "triplet_margin_with_distance_loss": (["anchor", "positive", "negative"],
                                          ["anchor", "positive", "negative"], _triplet_dist),
    "ctc_loss": (["log_probs", "targets", "input_lengths", "target_lengths"], ["log_probs"], _ctc),
    "entropy": (["probs", "logits"], ["probs", "logits"], _entropy),
    "linear_cross_entropy": (["input", "linear_weight", "target", "linear_bias"],
                             ["input", "linear_weight", "linear_bias"], _linear_cross_entropy),
}
