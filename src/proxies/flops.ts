/**
 * `flops`: FLOPs of a NAS-Bench-201 network for one input image, in millions, counted the way
 * NASLib reports them (NASLib `predictors/utils/pruners/predictive.py::find_measures` →
 * tensorwatch `ModelStats(net, [1, 3, H, W])`, `Flops / 1e6`; tensorwatch
 * `model_graph/torchstat/compute_flops.py`). Every leaf module that runs is counted once:
 *  - Conv2d: k_h·k_w·C_in·C_out·H_out·W_out (multiply-adds, no bias in NB201);
 *  - BatchNorm2d: 2·numel(input) (affine; NASLib makes every BN of a discretised arch affine);
 *  - ReLU: numel(input);
 *  - AvgPool2d (k, s, p): C·H_out·W_out·k² with H_out = ⌊(H + 2p − k)/s⌋ + 1, padding cells
 *    included in the count (cell avg_pool_3x3: k=3, s=1, p=1; ResNet shortcut: k=2, s=2, p=0);
 *  - AdaptiveAvgPool2d(1): C·(H + 1)·(W + 1) (torchstat's window formula, `end − start + 1`);
 *  - Linear: C_in·C_out (bias not counted).
 * Element-wise sums of cell nodes and the ResNet residual, `none` (Zero) and `skip_connect`
 * (Identity) count 0. Reproduces NASLib's `flops` column exactly (all 725 cifar10 reference
 * architectures, test/proxies/flops.test.ts). The network is never run: this is analytic.
 */
import { NB201_EDGES, type Nb201Arch } from '../spaces/nb201/arch';
import { Nb201Network, NB201_DEFAULT_CONFIG, type Nb201NetConfig } from '../spaces/nb201/network';
import { proxyValue, registerProxy } from './registry';

/** Output side of a convolution / pooling window (PyTorch / torchstat formula). */
export function convOutSize(size: number, k: number, stride: number, pad: number): number {
  return Math.floor((size + 2 * pad - k) / stride) + 1;
}

/** tensorwatch FLOPs of the layers that NB201 uses (one image; spatial sizes are H = W). */
export const layerFlops = {
  conv: (k: number, cin: number, cout: number, outSize: number): number => k * k * cin * cout * outSize * outSize,
  bn: (c: number, size: number): number => 2 * c * size * size,
  relu: (c: number, size: number): number => c * size * size,
  avgPool: (c: number, inSize: number, k: number, stride: number, pad: number): number =>
    c * convOutSize(inSize, k, stride, pad) ** 2 * k * k,
  globalAvgPool: (c: number, size: number): number => c * (size + 1) * (size + 1),
  linear: (cin: number, cout: number): number => cin * cout,
} as const;

/** FLOPs of one NB201 cell with `c` channels at `size`×`size`. */
export function nb201CellFlops(arch: Nb201Arch, c: number, size: number): number {
  let f = 0;
  NB201_EDGES.forEach((_, e) => {
    switch (arch[e]) {
      case 'nor_conv_1x1':
      case 'nor_conv_3x3': {
        const k = arch[e] === 'nor_conv_3x3' ? 3 : 1;
        f += layerFlops.relu(c, size) + layerFlops.conv(k, c, c, size) + layerFlops.bn(c, size);
        break;
      }
      case 'avg_pool_3x3':
        f += layerFlops.avgPool(c, size, 3, 1, 1);
        break;
      default:
        break; // none (Zero), skip_connect (Identity): no counted work
    }
  });
  return f;
}

/**
 * tensorwatch FLOPs of a whole NB201 network (stem, 3·N cells, 2 ResNet blocks, head) for one
 * `resolution`×`resolution` RGB image. Pure function of the architecture and the config.
 */
export function nb201Flops(
  arch: Nb201Arch,
  config: Pick<Nb201NetConfig, 'C' | 'N' | 'numClasses'> = NB201_DEFAULT_CONFIG,
  resolution = 32,
): number {
  const { C, N, numClasses } = config;
  let size = resolution;
  let ch = C;
  // stem: conv3×3(3 → C, pad 1) + BN
  let f = layerFlops.conv(3, 3, C, size) + layerFlops.bn(C, size);
  for (let stage = 0; stage < 3; stage++) {
    if (stage > 0) {
      const cout = ch * 2;
      const out = convOutSize(size, 3, 2, 1);
      f += layerFlops.relu(ch, size) + layerFlops.conv(3, ch, cout, out) + layerFlops.bn(cout, out); // conv_a
      f += layerFlops.relu(cout, out) + layerFlops.conv(3, cout, cout, out) + layerFlops.bn(cout, out); // conv_b
      f += layerFlops.avgPool(ch, size, 2, 2, 0) + layerFlops.conv(1, ch, cout, convOutSize(size, 2, 2, 0)); // shortcut
      ch = cout;
      size = out;
    }
    f += N * nb201CellFlops(arch, ch, size);
  }
  // head: BN → ReLU → AdaptiveAvgPool2d(1) → Linear
  f += layerFlops.bn(ch, size) + layerFlops.relu(ch, size) + layerFlops.globalAvgPool(ch, size) + layerFlops.linear(ch, numClasses);
  return f;
}

registerProxy({
  name: 'flops',
  description: 'FLOPs in millions for one 32×32 image, tensorwatch/NASLib convention (conv MACs + BN, ReLU, pooling, linear)',
  needs: 'none',
  higherIsBetter: true,
  compute: ({ net, arch, numClasses }) => {
    if (!(net instanceof Nb201Network) || !arch) throw new Error('flops: only NAS-Bench-201 networks are supported');
    const variant = net.config as { stem?: boolean; depth?: number };
    if (variant.stem === false || variant.depth !== undefined) throw new Error('flops: only the full NB201 network (stem, every block) is supported');
    return proxyValue(nb201Flops(arch, { ...net.config, numClasses }) / 1e6);
  },
});
