"""The PyTorch twin of `mt online`: codistillation (Anil et al., 2018) of K peers on Fashion-MNIST, beside the same
peers trained independently, for several seeds.

  /usr/bin/python3 tests/pytorch/codistill_reference.py [--seeds 1 2] [--exchange checkpoint|live] [--loss design|ce-plus]
                                                        [--alpha 0.5] [--temperature 1] [--every 200] [--burn-in 1]
                                                        [--validation 0] [--modes independent codistilled]

Recipe of issue 8 (the defaults): two mlp:784-256-10 peers on disjoint halves of the training rows (consecutive blocks,
as PeerPartitions.Create splits them: peer k of K gets rows [n·k/K, n·(k+1)/K)), 10 epochs, Adam 1e-3, batch 128
(last partial batch kept), inputs pixels / 255, PyTorch's default initialisation. Peers train in lockstep. After a
burn-in of `--burn-in` epochs (rounded to steps like OnlineSettings.BurnInStepsFor) each step adds a distillation term
toward p̄, the mean of the other peers' softmax(z/T):

  --loss design   (1 − α)·CE + α·T²·KL(p̄ ‖ softmax(z/T))   (DESIGN.md; what `mt online` does)
  --loss ce-plus  CE + α·T²·KL(p̄ ‖ softmax(z/T))            (another reading of "labels + α·KL")

  --exchange checkpoint  peers' predictions come from their checkpoints taken every `--every` steps (what `mt online`
                         does with wait-for-peers: a checkpoint of step s is used from step s + 1 on)
  --exchange live        peers' predictions come from their current weights at every step (no staleness)

--validation N holds N rows out of each peer's part (its last N rows) and reports, beside the last epoch, the epoch
chosen on that validation split. "best on test" is printed only to show how much choosing on the test set would
flatter the figures; it is not a fair number.

Prints one JSON object: per mode, seed and peer the test accuracy of every epoch; per mode the mean over peers and seeds
(last epoch, chosen on validation, best on test) and the churn between the first two seeds' peer 0 (the fraction of
test images on which their arg-max differs) at the last epoch and at the validation-chosen epoch.
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "src", "python"))
from multiteacher_torch import build, load_split  # noqa: E402


def partitions(count, peers, shared):
    """Rows of every peer, as PeerPartitions.Create: consecutive blocks for disjoint, every row for shared."""
    if shared:
        return [torch.arange(count) for _ in range(peers)]
    return [torch.arange(count * k // peers, count * (k + 1) // peers) for k in range(peers)]


def burn_in_steps(epochs, steps_per_epoch):
    # Math.Round(x, MidpointRounding.AwayFromZero), as OnlineSettings.BurnInStepsFor.
    x = epochs * steps_per_epoch
    return int(x + 0.5) if x >= 0 else -int(-x + 0.5)


def distill_loss(logits, labels, targets, alpha, temperature, kind):
    ce = F.cross_entropy(logits, labels)
    if targets is None:
        return ce
    kl = F.kl_div(F.log_softmax(logits / temperature, 1), targets, reduction="batchmean") * temperature * temperature
    return ((1 - alpha) * ce if kind == "design" else ce) + alpha * kl


@torch.no_grad()
def predictions(model, x):
    model.eval()
    out = torch.cat([model(x[i:i + 2000]) for i in range(0, len(x), 2000)])
    model.train()
    return out.argmax(1)


def run_group(args, data, seed, codistill):
    x_train, y_train, x_test, y_test = data
    parts = partitions(len(y_train), args.peers, args.shared)
    val = [p[len(p) - args.validation:] for p in parts] if args.validation else [None] * args.peers
    train = [p[:len(p) - args.validation] for p in parts]
    models, opts, gens = [], [], []
    for k in range(args.peers):
        torch.manual_seed(seed * 1000 + k)  # peer k's initial weights
        models.append(build(args.arch))
        opts.append(torch.optim.Adam(models[-1].parameters(), lr=args.lr))
        gens.append(torch.Generator().manual_seed(seed * 1000 + 500 + k))  # peer k's data order
    steps_per_epoch = (len(train[0]) + args.batch - 1) // args.batch
    burn_in = burn_in_steps(args.burn_in, steps_per_epoch)
    checkpoints = [None] * args.peers  # (step, model copy) taken at exchange points
    history = [[] for _ in range(args.peers)]
    test_predictions = []  # peer 0's test predictions after every epoch
    step = 0
    for epoch in range(args.epochs):
        orders = [train[k][torch.randperm(len(train[k]), generator=gens[k])] for k in range(args.peers)]
        for b in range(steps_per_epoch):
            batches = [(x_train[o[b * args.batch:(b + 1) * args.batch]], y_train[o[b * args.batch:(b + 1) * args.batch]]) for o in orders]
            # Every peer's p̄ first (from checkpoints, or from the others' weights before this step's updates): lockstep.
            targets = [None] * args.peers
            if codistill and step >= burn_in:
                with torch.no_grad():
                    for k in range(args.peers):
                        sources = []
                        for j in range(args.peers):
                            if j == k:
                                continue
                            if args.exchange == "live":
                                sources.append(models[j])
                            elif checkpoints[j] is not None and step - checkpoints[j][0] <= args.max_staleness:
                                sources.append(checkpoints[j][1])
                        if sources:
                            x = batches[k][0]
                            targets[k] = torch.stack([F.softmax(m.eval()(x) / args.temperature, 1) for m in sources]).mean(0)
                            for m in sources:
                                m.train()
            for k in range(args.peers):
                x, y = batches[k]
                opts[k].zero_grad()
                distill_loss(models[k](x), y, targets[k], args.alpha, args.temperature, args.loss).backward()
                opts[k].step()
            step += 1
            if codistill and args.exchange == "checkpoint" and step % args.every == 0:
                for k in range(args.peers):
                    copy = build(args.arch)
                    copy.load_state_dict(models[k].state_dict())
                    checkpoints[k] = (step, copy)
        for k in range(args.peers):
            test = predictions(models[k], x_test)
            entry = {"epoch": epoch + 1, "test_accuracy": (test == y_test).float().mean().item()}
            if val[k] is not None:
                entry["validation_accuracy"] = (predictions(models[k], x_train[val[k]]) == y_train[val[k]]).float().mean().item()
            history[k].append(entry)
            if k == 0:
                test_predictions.append(test)
    return history, test_predictions


def chosen_epoch(history):
    """Index of the epoch with the best validation accuracy (the first of ties), or the last without validation."""
    if "validation_accuracy" not in history[0]:
        return len(history) - 1
    return max(range(len(history)), key=lambda e: (history[e]["validation_accuracy"], -e))


def mean(values):
    return sum(values) / len(values) if values else float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--arch", default="mlp:784-256-10")
    parser.add_argument("--peers", type=int, default=2)
    parser.add_argument("--shared", action="store_true", help="every peer trains on every row")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--modes", nargs="+", default=["independent", "codistilled"])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--every", type=int, default=200)
    parser.add_argument("--burn-in", type=float, default=1.0, help="epochs of plain training first")
    parser.add_argument("--max-staleness", type=int, default=1000)
    parser.add_argument("--temperature", type=float, default=1.0)
    parser.add_argument("--alpha", type=float, default=0.5)
    parser.add_argument("--loss", choices=["design", "ce-plus"], default="design")
    parser.add_argument("--exchange", choices=["checkpoint", "live"], default="checkpoint")
    parser.add_argument("--validation", type=int, default=0, help="rows held out of each peer's part to choose the epoch")
    parser.add_argument("--threads", type=int, default=1, help="1 is faster than 2 on a shared 2-core machine")
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    x_train, y_train = load_split(args.data, "train")
    x_test, y_test = load_split(args.data, "test")
    data = (x_train.reshape(len(y_train), -1), y_train, x_test.reshape(len(y_test), -1), y_test)
    start = time.time()
    result = {"settings": {k: v for k, v in vars(args).items() if k not in ("data", "threads")}, "modes": {}}
    for mode in args.modes:
        runs, first_peer = [], []
        for seed in args.seeds:
            history, test_predictions = run_group(args, data, seed, mode == "codistilled")
            chosen = [chosen_epoch(h) for h in history]
            runs.append({"seed": seed, "peers": [{
                "peer": k,
                "last": h[-1]["test_accuracy"],
                "chosen_epoch": chosen[k] + 1,
                "chosen": h[chosen[k]]["test_accuracy"],
                "best_on_test": max(e["test_accuracy"] for e in h),
                "history": h} for k, h in enumerate(history)]})
            first_peer.append((test_predictions[-1], test_predictions[chosen[0]]))
            print(f"{mode} seed {seed}: " + ", ".join(f"{p['last']:.4f}" for p in runs[-1]["peers"]), file=sys.stderr, flush=True)
        peers = [p for r in runs for p in r["peers"]]
        summary = {
            "mean_last": mean([p["last"] for p in peers]),
            "mean_chosen_on_validation": mean([p["chosen"] for p in peers]) if args.validation else None,
            "mean_best_on_test_unfair": mean([p["best_on_test"] for p in peers]),
            "min_last": min(p["last"] for p in peers),
            "max_last": max(p["last"] for p in peers),
        }
        if args.validation:
            summary["mean_last_validation"] = mean([p["history"][-1]["validation_accuracy"] for p in peers])
        if len(first_peer) >= 2:
            summary["churn_last"] = (first_peer[0][0] != first_peer[1][0]).float().mean().item()
            if args.validation:
                summary["churn_chosen"] = (first_peer[0][1] != first_peer[1][1]).float().mean().item()
        result["modes"][mode] = {"summary": summary, "runs": runs}
    result["seconds"] = round(time.time() - start, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
