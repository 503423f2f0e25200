/** Every op rejects bad shapes, axes and indices with a ShapeError that names the op and the shapes. */
import { describe, expect, it } from "vitest";
import * as lib from "../../../src/lib/core";
import { ShapeError, ones, tensor, zeros } from "../../../src/lib/core";

/** [call, the op name, fragments the message must contain] */
const cases: [string, () => unknown, string[]][] = [
  ["tensor ragged", () => tensor([[1, 2], [3]]), ["tensor:", "ragged"]],
  ["tensor size", () => tensor([1, 2, 3], [2, 2]), ["tensor:", "[2, 2]"]],
  ["zeros", () => zeros([2, -1]), ["full:", "[2, -1]"]],
  ["Tensor", () => new lib.Tensor(new Float32Array(3), [2, 2]), ["Tensor:", "[2, 2]"]],
  ["item", () => ones([2]).item(), ["item:", "[2]"]],
  ["backward non-scalar", () => ones([2], { requiresGrad: true }).backward(), ["backward:", "[2]"]],
  ["reshape", () => lib.reshape(ones([2, 3]), [4, 2]), ["reshape:", "[2, 3]", "[4, 2]"]],
  ["reshape two -1", () => ones([2, 3]).reshape(-1, -1), ["reshape:", "[-1, -1]"]],
  ["transpose", () => lib.transpose(ones([2, 3]), 0, 2), ["transpose:", "axis 2", "[2, 3]"]],
  ["permute", () => lib.permute(ones([2, 3]), [0, 0]), ["permute:", "[0, 0]", "[2, 3]"]],
  ["slice", () => lib.slice(ones([2, 3]), 1, 1, 5), ["slice:", "[2, 3]"]],
  ["index", () => lib.index(ones([2, 3]), 2), ["index:", "[2, 3]"]],
  ["concat", () => lib.concat([ones([2, 3]), ones([3, 3])], 1), ["concat:", "[2, 3]", "[3, 3]"]],
  ["split", () => lib.split(ones([5, 2]), 2), ["split:", "[5, 2]"]],
  ["stack", () => lib.stack([ones([2]), ones([3])]), ["stack:", "[2]", "[3]"]],
  ["add", () => lib.add(ones([2, 3]), ones([4])), ["add:", "[2, 3]", "[4]"]],
  ["sub", () => lib.sub(ones([2]), ones([3])), ["sub:", "[2]", "[3]"]],
  ["mul", () => lib.mul(ones([2, 3]), ones([3, 2])), ["mul:", "[2, 3]", "[3, 2]"]],
  ["div", () => lib.div(ones([4]), ones([5])), ["div:", "[4]", "[5]"]],
  ["sum", () => lib.sum(ones([2, 3]), 2), ["sum:", "[2, 3]"]],
  ["mean", () => lib.mean(ones([2, 3]), -3), ["mean:", "[2, 3]"]],
  ["max", () => lib.max(ones([2]), 1), ["max:", "[2]"]],
  ["argmax", () => lib.argmax(ones([2]), 3), ["argmax:", "[2]"]],
  ["matmul", () => lib.matmul(ones([2, 3]), ones([4, 5])), ["matmul: inner dimensions differ: [2, 3] @ [4, 5]"]],
  ["matmul batch", () => lib.matmul(ones([2, 3, 4]), ones([5, 4, 6])), ["matmul:", "[2, 3, 4]", "[5, 4, 6]"]],
  ["matmul scalar", () => lib.matmul(ones([]), ones([2])), ["matmul:", "[]", "[2]"]],
  ["linear", () => lib.linear(ones([2, 3]), ones([4, 5])), ["linear:", "[2, 3]", "[4, 5]"]],
  ["linear bias", () => lib.linear(ones([2, 3]), ones([3, 5]), ones([4])), ["linear:", "[4]"]],
  ["softmax", () => lib.softmax(ones([2, 3]), 2), ["softmax:", "[2, 3]"]],
  ["logSoftmax", () => lib.logSoftmax(ones([]), -1), ["logSoftmax:", "[]"]],
  ["layerNorm", () => lib.layerNorm(ones([2, 3]), ones([4]), ones([4])), ["layerNorm:", "[2, 3]", "[4]"]],
  ["dropout", () => lib.dropout(ones([2]), 1.5, { training: true }), ["dropout:", "1.5", "[2]"]],
  ["maskedFill", () => lib.maskedFill(ones([3]), ones([2, 3]), 0), ["maskedFill:", "[2, 3]", "[3]"]],
  ["where", () => lib.where(ones([2]), ones([3]), 0), ["where:", "[2]", "[3]"]],
  ["embedding ids", () => lib.embedding(ones([4, 2]), [0, 4]), ["embedding:", "4", "[4, 2]"]],
  ["embedding weight", () => lib.embedding(ones([4]), [0]), ["embedding:", "[4]"]],
  ["oneHot", () => lib.oneHot([0, 3], 3), ["oneHot:", "3"]],
  ["crossEntropy targets", () => lib.crossEntropy(ones([3, 4]), [0, 1]), ["crossEntropy:", "[3, 4]", "(2)"]],
  ["crossEntropy class", () => lib.crossEntropy(ones([2, 4]), [0, 4]), ["crossEntropy:", "[2, 4]", "4"]],
  ["pow", () => lib.pow(ones([2]), "2" as unknown as number), ["pow:", "[2]"]],
  ["arange", () => lib.arange(0, 5, 0), ["arange:"]],
];

describe("ShapeError on bad input", () => {
  it.each(cases)("%s", (_, call, fragments) => {
    let caught: unknown;
    try {
      call();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ShapeError);
    const error = caught as ShapeError;
    expect(error.name).toBe("ShapeError");
    for (const fragment of fragments) expect(error.message).toContain(fragment);
  });
});
