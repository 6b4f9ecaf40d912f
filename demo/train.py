#!/usr/bin/env python3
"""Train a tiny classifier on the two-moons data set in plain Python and log it with Labbook.

No numpy, no torch: a 2-layer MLP (or logistic regression) with hand-written
gradients and mini-batch SGD with momentum. 100 epochs take a second or two.

    python3 demo/train.py --lr 0.1 --hidden 16 --epochs 100 --logdir my-workspace/labbook

Logs per epoch: train/loss, train/acc, val/loss, val/acc and lr (exponential decay).
If the loss becomes NaN or infinite the run raises FloatingPointError, so the run
ends as failed (try --loss mse --lr 2).
"""

import argparse
import math
import os
import random
import sys
import time

# Use the SDK from this repository (sdk/python next to demo/), no install needed.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir,
                                "sdk", "python"))

import labbook  # noqa: E402


# ----------------------------------------------------------------------------- data


def two_moons(n, noise, rng):
    """n points of two interleaving half circles with Gaussian noise; labels 0/1."""
    points = []
    for i in range(n):
        label = i % 2
        t = math.pi * rng.random()
        if label == 0:
            x, y = math.cos(t), math.sin(t)
        else:
            x, y = 1.0 - math.cos(t), 0.5 - math.sin(t)
        x += rng.gauss(0.0, noise)
        y += rng.gauss(0.0, noise)
        # centre roughly on the origin
        points.append(((x - 0.5, y - 0.25), label))
    return points


# ----------------------------------------------------------------------------- model


def softplus(z):
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def bce_with_logits(z, y):
    """Binary cross-entropy of the logit z for label y (stable; NaN if z is not finite)."""
    if math.isnan(z):
        return z
    if math.isinf(z):
        return float("inf") if (z > 0) != (y == 1) else 0.0
    return softplus(z) - z * y


class MLP(object):
    """x (2) -> hidden (H, tanh/relu) -> logit. hidden=0 means logistic regression."""

    def __init__(self, hidden, activation, rng):
        self.hidden = hidden
        self.activation = activation
        if hidden > 0:
            scale = 1.0 / math.sqrt(2.0)
            self.w1 = [[rng.gauss(0.0, scale) for _ in range(2)] for _ in range(hidden)]
            self.b1 = [0.0] * hidden
            self.w2 = [rng.gauss(0.0, 1.0 / math.sqrt(hidden)) for _ in range(hidden)]
        else:
            self.w1, self.b1 = [], []
            self.w2 = [rng.gauss(0.0, 0.1) for _ in range(2)]
        self.b2 = 0.0

    def forward(self, x):
        """Logit and the hidden activations (needed for the backward pass)."""
        if self.hidden == 0:
            return self.w2[0] * x[0] + self.w2[1] * x[1] + self.b2, x
        x0, x1 = x
        if self.activation == "tanh":
            h = [math.tanh(w[0] * x0 + w[1] * x1 + b) for w, b in zip(self.w1, self.b1)]
        else:
            h = [max(0.0, w[0] * x0 + w[1] * x1 + b) for w, b in zip(self.w1, self.b1)]
        z = self.b2
        for wi, hi in zip(self.w2, h):
            z += wi * hi
        return z, h

    def zero_grads(self):
        H = self.hidden
        return {"w1": [[0.0, 0.0] for _ in range(H)], "b1": [0.0] * H,
                "w2": [0.0] * (H if H else 2), "b2": 0.0}

    def backward(self, x, h, dz, g):
        """Add the gradients for one sample (dL/dz = dz) into g."""
        g["b2"] += dz
        gw2 = g["w2"]
        for i, hi in enumerate(h):
            gw2[i] += dz * hi
        if self.hidden == 0:
            return
        x0, x1 = x
        gw1, gb1 = g["w1"], g["b1"]
        tanh = self.activation == "tanh"
        for i, hi in enumerate(h):
            if tanh:
                dh = dz * self.w2[i] * (1.0 - hi * hi)
            else:
                if hi <= 0.0:
                    continue
                dh = dz * self.w2[i]
            gw1[i][0] += dh * x0
            gw1[i][1] += dh * x1
            gb1[i] += dh


class SGD(object):
    """SGD with momentum over the MLP's parameter lists."""

    def __init__(self, model, momentum):
        self.model = model
        self.momentum = momentum
        self.v = model.zero_grads()

    def step(self, g, lr, n):
        m, v, model = self.momentum, self.v, self.model
        k = 1.0 / n
        v["b2"] = m * v["b2"] + g["b2"] * k
        model.b2 -= lr * v["b2"]
        for i in range(len(model.w2)):
            v["w2"][i] = m * v["w2"][i] + g["w2"][i] * k
            model.w2[i] -= lr * v["w2"][i]
        for i in range(model.hidden):
            vi, gi, wi = v["w1"][i], g["w1"][i], model.w1[i]
            vi[0] = m * vi[0] + gi[0] * k
            vi[1] = m * vi[1] + gi[1] * k
            wi[0] -= lr * vi[0]
            wi[1] -= lr * vi[1]
            v["b1"][i] = m * v["b1"][i] + g["b1"][i] * k
            model.b1[i] -= lr * v["b1"][i]


def squared_error(z, y):
    """Least-squares classification: the logit regressed onto -1/+1."""
    d = z - (2.0 * y - 1.0)
    return d * d  # not d ** 2: overflow gives inf instead of raising


LOSSES = {
    # name: (loss(z, y), dloss/dz(z, y))
    "bce": (bce_with_logits, lambda z, y: sigmoid(z) - y),
    "mse": (squared_error, lambda z, y: 2.0 * (z - (2.0 * y - 1.0))),
}


def evaluate(model, data, loss_fn):
    loss = 0.0
    correct = 0
    for x, y in data:
        z, _ = model.forward(x)
        loss += loss_fn(z, y)
        correct += (z > 0) == (y == 1)
    return loss / len(data), correct / len(data)


# ----------------------------------------------------------------------------- main


def decision_boundary(model, points, size=48):
    """size×size RGB pixels: P(class 1) from blue to red over the data's range, points on top."""
    x0, x1, y0, y1 = -1.5, 2.5, -1.0, 1.5
    pixels = []
    for row in range(size):
        y = y1 - (y1 - y0) * (row + 0.5) / size
        line = []
        for col in range(size):
            x = x0 + (x1 - x0) * (col + 0.5) / size
            p = sigmoid(model.forward((x, y))[0])
            line.append([int(70 + 170 * p), int(110 + 60 * (1 - abs(2 * p - 1))), int(240 - 170 * p)])
        pixels.append(line)
    for (x, y), label in points:
        col = int((x - x0) / (x1 - x0) * size)
        row = int((y1 - y) / (y1 - y0) * size)
        if 0 <= row < size and 0 <= col < size:
            pixels[row][col] = [255, 255, 255] if label else [20, 20, 20]
    return pixels


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", choices=["mlp", "logreg"], default="mlp")
    p.add_argument("--lr", type=float, default=0.1, help="initial learning rate")
    p.add_argument("--lr-decay", type=float, default=0.98, help="lr factor per epoch")
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--hidden", type=int, default=16, help="hidden units (mlp)")
    p.add_argument("--activation", choices=["tanh", "relu"], default="tanh")
    p.add_argument("--loss", choices=sorted(LOSSES), default="bce",
                   help="bce: cross-entropy; mse: squared error on the logit (diverges at high lr)")
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--seed", type=int, default=0, help="weight init and shuffling")
    p.add_argument("--n-train", type=int, default=400)
    p.add_argument("--n-val", type=int, default=200)
    p.add_argument("--noise", type=float, default=0.2)
    p.add_argument("--project", default=None, help="default: moons-<model>")
    p.add_argument("--name", default=None)
    p.add_argument("--description", default=None)
    p.add_argument("--tags", default="", help="comma-separated")
    p.add_argument("--sleep", type=float, default=0.0, help="seconds to sleep per epoch")
    p.add_argument("--image-every", type=int, default=10,
                   help="log the decision boundary as an image every N epochs (0: never)")
    p.add_argument("--logdir", default=None, help="log root (default: $LABBOOK_DIR or ./labbook)")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    hidden = args.hidden if args.model == "mlp" else 0
    project = args.project or "moons-" + args.model
    if args.model == "mlp":
        name = args.name or "mlp-h%d-%s-lr%g" % (hidden, args.activation, args.lr)
        model_cfg = {"type": "mlp", "hidden": hidden, "activation": args.activation}
    else:
        name = args.name or "logreg-lr%g" % args.lr
        model_cfg = {"type": "logreg"}
    config = {
        "lr": args.lr,
        "lr_schedule": {"type": "exponential", "decay": args.lr_decay},
        "optimizer": {"name": "sgd", "momentum": args.momentum},
        "loss": args.loss,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "seed": args.seed,
        "model": model_cfg,
        "data": {"name": "two-moons", "n_train": args.n_train, "n_val": args.n_val,
                 "noise": args.noise, "seed": 1234},
    }
    tags = [t for t in args.tags.split(",") if t] or [args.model]

    data_rng = random.Random(1234)  # the same data for every run
    train = two_moons(args.n_train, args.noise, data_rng)
    val = two_moons(args.n_val, args.noise, data_rng)
    rng = random.Random(args.seed)

    with labbook.init(project=project, name=name, description=args.description, tags=tags,
                      config=config, logdir=args.logdir) as run:
        print("run %s -> %s" % (run.id, run.path), flush=True)
        model = MLP(hidden, args.activation, rng)
        opt = SGD(model, args.momentum)
        loss_fn, dloss = LOSSES[args.loss]
        best = (-1.0, -1)
        for epoch in range(args.epochs):
            lr = args.lr * args.lr_decay ** epoch
            rng.shuffle(train)
            total, correct = 0.0, 0
            for start in range(0, len(train), args.batch_size):
                batch = train[start:start + args.batch_size]
                g = model.zero_grads()
                for x, y in batch:
                    z, h = model.forward(x)
                    total += loss_fn(z, y)
                    correct += (z > 0) == (y == 1)
                    model.backward(x, h, dloss(z, y), g)
                opt.step(g, lr, len(batch))
            train_loss, train_acc = total / len(train), correct / len(train)
            val_loss, val_acc = evaluate(model, val, loss_fn)
            labbook.log({"train/loss": train_loss, "train/acc": train_acc,
                         "val/loss": val_loss, "val/acc": val_acc, "lr": lr}, step=epoch)
            if not (math.isfinite(train_loss) and math.isfinite(val_loss)):
                raise FloatingPointError("training diverged at epoch %d: train/loss=%s, "
                                         "val/loss=%s (learning rate %g too high?)"
                                         % (epoch, train_loss, val_loss, lr))
            if val_acc > best[0]:
                best = (val_acc, epoch)
            if args.image_every > 0 and (epoch % args.image_every == 0 or epoch == args.epochs - 1):
                labbook.log_image("val/decision_boundary", decision_boundary(model, val), step=epoch,
                                  caption="P(class 1) after epoch %d" % epoch)
            if epoch % 10 == 0 or epoch == args.epochs - 1:
                print("epoch %3d  train/loss %.4f  train/acc %.3f  val/loss %.4f  val/acc %.3f"
                      % (epoch, train_loss, train_acc, val_loss, val_acc), flush=True)
            if args.sleep > 0:
                time.sleep(args.sleep)
        run.note("Best **val/acc %.3f** at epoch %d; final val/loss %.4f."
                 % (best[0], best[1], val_loss))
    return 0


if __name__ == "__main__":
    sys.exit(main())
