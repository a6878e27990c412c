#!/usr/bin/python3
"""Builds the example model repository served by the quick start (deploy/models/).

Run with Debian's python3 (python3-numpy, python3-sklearn; scripts/install-deps.sh installs them):

    /usr/bin/python3 deploy/models/make_models.py

Every model is trained with fixed seeds and written as the hls4ml project that hls4ml 1.x's
Vivado/Vitis writer produces for it (io_parallel, firmware/myproject.cpp, myproject.h, defines.h,
parameters.h, weights/*.txt + *.h, hls4ml_config.yml, tb_data/), plus the fpgaas config.pbtxt and
a sample_input.csv. hls4ml's own nnet_utils/ap_types headers are not copied (they are hls4ml's
code, and fpgaas does not need them: the importer reads the project's structure and weights).
See README.md in this folder for the data sets (Iris is real, the others synthetic).
"""

import os
import shutil

import numpy as np
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor

HERE = os.path.dirname(os.path.abspath(__file__))
HLS4ML_VERSION = "1.0.0"


# --------------------------------------------------------------------------------------------
# Fixed-point helpers (for weights only: each value is put on its type's grid before it is
# printed, so the printed decimal is exact, as a quantization-aware trained model's would be).
# --------------------------------------------------------------------------------------------
def parse_fixed(t):
    inner = t[t.index("<") + 1:t.rindex(">")].split(",")
    return int(inner[0]), int(inner[1]), t.startswith("ap_fixed")


def quantize(values, t):
    w, i, signed = parse_fixed(t)
    f = w - i
    scaled = np.round(np.asarray(values, dtype=np.float64) * 2.0**f)
    lo = -(2**(w - 1)) if signed else 0
    hi = 2**(w - 1) - 1 if signed else 2**w - 1
    return np.clip(scaled, lo, hi) / 2.0**f


def format_values(values, t):
    f = max(parse_fixed(t)[0] - parse_fixed(t)[1], 1)
    return ", ".join("{:.{}f}".format(v, f) for v in np.asarray(values).ravel())


# --------------------------------------------------------------------------------------------
# hls4ml 1.x project writer (Vivado/Vitis backend, io_parallel). Layers:
#   ("batchnorm", name, scale, bias)    nnet::normalize
#   ("dense", name, W[n_in, n_out], b)  nnet::dense (latency)
#   ("relu", name) / ("softmax", name)
# --------------------------------------------------------------------------------------------
class Project:
    def __init__(self, name, n_in, precision, layers, part="xcu250-figd2104-2L-e"):
        self.name = name
        self.n_in = n_in
        self.precision = precision  # model default, e.g. "ap_fixed<16,6>"
        self.layers = layers
        self.part = part

    def write(self, root, tb_inputs, tb_predictions):
        fw = os.path.join(root, "firmware")
        os.makedirs(os.path.join(fw, "weights"))
        os.makedirs(os.path.join(root, "tb_data"))
        p = self.precision
        defines, typedefs, configs, loads, calls, includes, weights = [], [], [], [], [], [], []
        defines.append("#define N_INPUT_1_1 {}".format(self.n_in))
        typedefs += ["typedef {} input_t;".format(p), "typedef {} model_default_t;".format(p)]
        var, var_t, size_macro, size = "input_1", "input_t", "N_INPUT_1_1", self.n_in
        index = 2
        out_names = []
        for li, layer in enumerate(self.layers):
            kind, lname = layer[0], layer[1]
            last = li == len(self.layers) - 1
            out_t = "result_t" if last else "layer{}_t".format(index)
            out_var = "layer{}_out".format(index)
            if kind == "dense":
                W, b = layer[2], layer[3]
                n_in, n_out = W.shape
                assert n_in == size
                size_macro, size = "N_LAYER_{}".format(index), n_out
                defines.append("#define {} {}".format(size_macro, n_out))
                wt, bt = "{}_weight_t".format(lname), "{}_bias_t".format(lname)
                if not last:
                    typedefs.append("typedef {} {};".format(p, out_t))
                typedefs += ["typedef {} {};".format(p, wt), "typedef {} {};".format(p, bt),
                             "typedef ap_uint<1> layer{}_index;".format(index)]
                wq, bq = quantize(W, p), quantize(b, p)
                nz = int(np.sum(wq == 0))
                weights += [("w{}".format(index), wt, wq, list(W.shape)),
                            ("b{}".format(index), bt, bq, [n_out])]
                configs.append(DENSE_CONFIG.format(
                    lname=lname, index=index, n_in=n_in, n_out=n_out, nzeros=nz,
                    nonzeros=n_in * n_out - nz))
                calls.append((out_t, out_var, size_macro,
                              "nnet::dense<{}, {}, config{}>({}, {}, w{}, b{}); // {}".format(
                                  var_t, out_t, index, var, out_var, index, index, lname)))
            elif kind == "batchnorm":
                s, b = layer[2], layer[3]
                st, bt = "{}_scale_t".format(lname), "{}_bias_t".format(lname)
                if not last:
                    typedefs.append("typedef {} {};".format(p, out_t))
                typedefs += ["typedef {} {};".format(p, st), "typedef {} {};".format(p, bt)]
                weights += [("s{}".format(index), st, quantize(s, p), [size]),
                            ("b{}".format(index), bt, quantize(b, p), [size])]
                configs.append(BATCHNORM_CONFIG.format(lname=lname, index=index, n_in=size_macro))
                calls.append((out_t, out_var, size_macro,
                              "nnet::normalize<{}, {}, config{}>({}, {}, s{}, b{}); // {}".format(
                                  var_t, out_t, index, var, out_var, index, index, lname)))
            elif kind == "relu":
                if not last:
                    typedefs.append("typedef {} {};".format(p, out_t))
                typedefs.append("typedef ap_fixed<18,8> {}_table_t;".format(lname))
                configs.append(RELU_CONFIG.format(lname=lname, index=index, n_in=size))
                calls.append((out_t, out_var, size_macro,
                              "nnet::relu<{}, {}, relu_config{}>({}, {}); // {}".format(
                                  var_t, out_t, index, var, out_var, lname)))
            elif kind == "softmax":
                if not last:
                    typedefs.append("typedef {} {};".format(p, out_t))
                w, i, _ = parse_fixed(var_precision(self, var_t))
                typedefs += [
                    "typedef ap_fixed<18,8,AP_RND,AP_SAT,0> {}_exp_table_t;".format(lname),
                    "typedef ap_fixed<18,8,AP_RND,AP_SAT,0> {}_inv_table_t;".format(lname),
                    # The inverse table (1024 entries) is addressed by the top 10 bits of inv_inp_t:
                    # a 10-bit type makes that the whole sum, at 1/128 resolution for sums < 8
                    # (hls4ml's default, exp_table_t, would leave 0.5 steps).
                    "typedef ap_ufixed<10,3,AP_RND,AP_SAT> {}_inv_inp_t;".format(lname)]
                configs.append(SOFTMAX_CONFIG.format(lname=lname, index=index, n_in=size,
                                                     norm_w=w - 1, norm_i=i - 1))
                calls.append((out_t, out_var, size_macro,
                              "nnet::softmax<{}, {}, softmax_config{}>({}, {}); // {}".format(
                                  var_t, out_t, index, var, out_var, lname)))
            else:
                raise ValueError(kind)
            if last:
                typedefs.append("typedef {} result_t;".format(p))
            var, var_t = out_var, out_t
            out_names.append(out_var)
            index += 1
        out_var, out_macro = var, size_macro

        for wname, wtype, values, shape in weights:
            text = format_values(values, p)
            with open(os.path.join(fw, "weights", wname + ".txt"), "w") as f:
                f.write(text)
            n = int(np.prod(shape))
            with open(os.path.join(fw, "weights", wname + ".h"), "w") as f:
                f.write(WEIGHT_HEADER.format(
                    shape=shape, min=float(np.min(values)), max=float(np.max(values)),
                    nzeros=int(np.sum(np.asarray(values) == 0)), guard=wname.upper(), type=wtype,
                    name=wname, n=n, values=text))
            loads.append('        nnet::load_weights_from_txt<{}, {}>({}, "{}.txt");'.format(
                wtype, n, wname, wname))
            includes.append('#include "weights/{}.h"'.format(wname))

        body = []
        for out_t, ov, macro, call in calls:
            if ov != out_var:
                body.append("    {} {}[{}];".format(out_t, ov, macro))
                body.append("    #pragma HLS ARRAY_PARTITION variable={} complete dim=0".format(ov))
            body.append("    " + call)
            body.append("")
        with open(os.path.join(fw, "myproject.cpp"), "w") as f:
            f.write(TOP_CPP.format(out_var=out_var, out_macro=out_macro, loads="\n".join(loads),
                                   body="\n".join(body)))
        with open(os.path.join(fw, "myproject.h"), "w") as f:
            f.write(TOP_H.format(out_var=out_var, out_macro=out_macro))
        with open(os.path.join(fw, "defines.h"), "w") as f:
            f.write(DEFINES_H.format(defines="\n".join(defines), typedefs="\n".join(typedefs)))
        with open(os.path.join(fw, "parameters.h"), "w") as f:
            f.write(PARAMETERS_H.format(includes="\n".join(includes), configs="\n".join(configs)))
        with open(os.path.join(root, "hls4ml_config.yml"), "w") as f:
            f.write(CONFIG_YML.format(precision=p, part=self.part, version=HLS4ML_VERSION))
        write_dat(os.path.join(root, "tb_data", "tb_input_features.dat"), tb_inputs)
        write_dat(os.path.join(root, "tb_data", "tb_output_predictions.dat"), tb_predictions)
        return out_var


def var_precision(project, type_name):
    return project.precision  # every activation type is the model default in these examples


def write_dat(path, rows):
    with open(path, "w") as f:
        for row in np.atleast_2d(rows):
            f.write("".join("{} ".format(repr(float(v))) for v in row) + "\n")


def write_csv(path, rows, fmt="{:.6g}"):
    with open(path, "w") as f:
        for row in np.atleast_2d(rows):
            f.write(",".join(fmt.format(float(v)) for v in row) + "\n")


def write_model(name, project, n_out, tb_inputs, tb_predictions, sample, max_delay_us=0):
    model_dir = os.path.join(HERE, name)
    if os.path.isdir(model_dir):
        shutil.rmtree(model_dir)
    os.makedirs(os.path.join(model_dir, "1"))
    out_var = project.write(os.path.join(model_dir, "1", "hls4ml_prj"), tb_inputs, tb_predictions)
    with open(os.path.join(model_dir, "config.pbtxt"), "w") as f:
        f.write(CONFIG_PBTXT.format(name=name, n_in=project.n_in, n_out=n_out, out_var=out_var,
                                    precision=project.precision, delay=max_delay_us))
    write_csv(os.path.join(model_dir, "sample_input.csv"), sample)
    return model_dir


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------
def mlp_layers(mlp, hidden_prefix="fc", out_activation=None):
    layers = []
    n = len(mlp.coefs_)
    for k, (W, b) in enumerate(zip(mlp.coefs_, mlp.intercepts_)):
        lname = "{}{}".format(hidden_prefix, k + 1) if k < n - 1 else "output"
        layers.append(("dense", lname, W, b))
        if k < n - 1:
            layers.append(("relu", lname + "_relu"))
        elif out_activation == "softmax":
            layers.append(("softmax", lname + "_softmax"))
    return layers


def make_iris():
    data = load_iris()
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=0.3, random_state=42, stratify=data.target)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    mlp = MLPClassifier(hidden_layer_sizes=(16,), activation="relu", max_iter=3000,
                        random_state=0, learning_rate_init=0.01)
    mlp.fit((x_train - mean) / std, y_train)
    proba = mlp.predict_proba((x_test - mean) / std)
    accuracy = float(np.mean(np.argmax(proba, axis=1) == y_test))
    # The standardisation is the first layer of the network (a BatchNormalization in Keras terms,
    # nnet::normalize in hls4ml): the served model takes raw measurements in cm.
    layers = [("batchnorm", "standardize", 1.0 / std, -mean / std)]
    layers += mlp_layers(mlp, out_activation="softmax")
    project = Project("iris", 4, "ap_fixed<16,6>", layers)
    model_dir = write_model("iris", project, 3, x_test, proba, x_test[:5])
    write_csv(os.path.join(model_dir, "test_features.csv"), x_test, fmt="{:.1f}")
    with open(os.path.join(model_dir, "test_labels.csv"), "w") as f:
        f.write("\n".join(str(int(v)) for v in y_test) + "\n")
    return accuracy


def muon_dataset(n, rng):
    """Synthetic stand-in for the CMS endcap muon track-finder inputs (the real data is not
    public): 27 features built from a signed curvature q/pT the network must regress."""
    q_over_pt = rng.uniform(-0.5, 0.5, size=n)  # 1/GeV, |pT| >= 2 GeV
    eta = rng.uniform(1.2, 2.4, size=n)
    features = []
    for station in range(4):  # bending angles between stations: proportional to q/pT
        slope = 1.5 + 0.7 * station
        features.append(slope * q_over_pt * (1.0 + 0.15 * (eta - 1.8)) +
                        rng.normal(0, 0.03 + 0.01 * station, size=n))
    for station in range(6):  # differences of those, plus theta-like variables
        features.append(features[station % 4] - 0.5 * features[(station + 1) % 4] +
                        rng.normal(0, 0.02, size=n))
    features.append(eta - 1.8)
    for station in range(4):
        features.append(0.2 * (eta - 1.8) + rng.normal(0, 0.05, size=n))
    for k in range(12):  # hit-pattern / ring / quality style discrete features
        features.append(rng.integers(0, 4, size=n) / 2.0 - 0.75)
    x = np.stack(features, axis=1)
    assert x.shape[1] == 27
    y = 10.0 * q_over_pt  # target: 10 q/pT, within ap_fixed<14,4>'s range
    return x, y


def make_muon_pt():
    rng = np.random.default_rng(2017)
    x, y = muon_dataset(40000, rng)
    x_test, y_test = muon_dataset(2000, rng)
    mlp = MLPRegressor(hidden_layer_sizes=(35, 20, 25, 40, 20, 15), activation="relu",
                       max_iter=60, random_state=1, learning_rate_init=0.003, batch_size=256,
                       early_stopping=False)
    mlp.fit(x, y)
    # Magnitude pruning: zero the 60 % smallest weights of every layer, then fine-tune with the
    # mask re-applied after every epoch.
    masks = []
    for W in mlp.coefs_:
        threshold = np.quantile(np.abs(W), 0.6)
        masks.append(np.abs(W) > threshold)
    for _ in range(25):
        for W, m in zip(mlp.coefs_, masks):
            W *= m
        mlp.partial_fit(x, y)
    for W, m in zip(mlp.coefs_, masks):
        W *= m
    pred = mlp.predict(x_test)
    rms = float(np.sqrt(np.mean((pred - y_test)**2)))
    layers = mlp_layers(mlp)
    project = Project("muon_pt", 27, "ap_fixed<14,4>", layers, part="xc7vx690tffg1927-2")
    write_model("muon_pt", project, 1, x_test[:10], pred[:10, None], x_test[:5])
    zeros = sum(int(np.sum(quantize(W, "ap_fixed<14,4>") == 0)) for W in mlp.coefs_)
    total = sum(W.size for W in mlp.coefs_)
    return rms, zeros / total


def jet_dataset(n, rng, centers, mixing):
    """Synthetic 5-class jet-substructure-like data (g, q, W, Z, t): class-dependent Gaussian
    blobs in a 16-dimensional latent space, mixed nonlinearly into 16 features."""
    labels = rng.integers(0, 5, size=n)
    latent = centers[labels] + rng.normal(0, 1.0, size=(n, 16))
    x = np.tanh(latent @ mixing) * 2.0 + 0.1 * latent
    return x, labels


def make_jet_tagger():
    rng = np.random.default_rng(1905)
    centers = rng.normal(0, 0.9, size=(5, 16))
    mixing = rng.normal(0, 0.35, size=(16, 16))
    x, y = jet_dataset(30000, rng, centers, mixing)
    x_test, y_test = jet_dataset(3000, rng, centers, mixing)
    mlp = MLPClassifier(hidden_layer_sizes=(64, 32, 32), activation="relu", max_iter=40,
                        random_state=3, learning_rate_init=0.002, batch_size=256)
    mlp.fit(x, y)
    proba = mlp.predict_proba(x_test)
    accuracy = float(np.mean(np.argmax(proba, axis=1) == y_test))
    layers = mlp_layers(mlp, out_activation="softmax")
    project = Project("jet_tagger", 16, "ap_fixed<16,6>", layers)
    write_model("jet_tagger", project, 5, x_test[:10], proba[:10], x_test[:5])
    return accuracy


# --------------------------------------------------------------------------------------------
# Templates of the files hls4ml 1.x writes (structure as in hls4ml's Vivado writer and layer
# templates; written here from scratch).
# --------------------------------------------------------------------------------------------
DENSE_CONFIG = """// {lname}
struct config{index} : nnet::dense_config {{
    static const unsigned n_in = {n_in};
    static const unsigned n_out = {n_out};
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned strategy = nnet::latency;
    static const unsigned reuse_factor = 1;
    static const unsigned n_zeros = {nzeros};
    static const unsigned n_nonzeros = {nonzeros};
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;
    static const bool store_weights_in_bram = false;
    typedef model_default_t accum_t;
    typedef {lname}_bias_t bias_t;
    typedef {lname}_weight_t weight_t;
    typedef layer{index}_index index_t;
    template<class data_T, class res_T, class CONFIG_T>
    using kernel = nnet::DenseLatency<data_T, res_T, CONFIG_T>;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
}};
"""

BATCHNORM_CONFIG = """// {lname}
struct config{index} : nnet::batchnorm_config {{
    static const unsigned n_in = {n_in};
    static const unsigned n_filt = -1;
    static const unsigned n_scale_bias = (n_filt == -1) ? n_in : n_filt;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in, reuse_factor);
    static const bool store_weights_in_bram = false;
    typedef {lname}_bias_t bias_t;
    typedef {lname}_scale_t scale_t;
    template<class x_T, class y_T>
    using product = nnet::product::mult<x_T, y_T>;
}};
"""

RELU_CONFIG = """// {lname}
struct relu_config{index} : nnet::activ_config {{
    static const unsigned n_in = {n_in};
    static const unsigned table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    typedef {lname}_table_t table_t;
}};
"""

SOFTMAX_CONFIG = """// {lname}
struct softmax_config{index} : nnet::activ_config {{
    static const unsigned n_in = {n_in};
    static const unsigned n_slice = {n_in};
    static const unsigned n_outer = 1;
    static const unsigned n_inner = 1;
    static const unsigned parallelization_factor = -1;
    static const unsigned exp_table_size = 1024;
    static const unsigned inv_table_size = 1024;
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    static const unsigned axis = -1;
    static const nnet::softmax_implementation implementation = nnet::softmax_implementation::stable;
    static constexpr float exp_scale = 1.0;
    typedef {lname}_exp_table_t exp_table_t;
    typedef {lname}_inv_table_t inv_table_t;
    typedef model_default_t accum_t;
    typedef {lname}_inv_inp_t inv_inp_t;
    typedef ap_ufixed<{norm_w}, {norm_i}> inp_norm_t;
}};
"""

WEIGHT_HEADER = """//Numpy array shape {shape}
//Min {min:.12f}
//Max {max:.12f}
//Number of zeros {nzeros}

#ifndef {guard}_H_
#define {guard}_H_

#ifndef __SYNTHESIS__
{type} {name}[{n}];
#else
{type} {name}[{n}] = {{{values}}};
#endif

#endif
"""

TOP_CPP = """#include <iostream>

#include "myproject.h"
#include "parameters.h"


void myproject(
    input_t input_1[N_INPUT_1_1],
    result_t {out_var}[{out_macro}]
) {{

    // hls-fpga-machine-learning insert IO
    #pragma HLS ARRAY_RESHAPE variable=input_1 complete dim=0
    #pragma HLS ARRAY_PARTITION variable={out_var} complete dim=0
    #pragma HLS INTERFACE ap_vld port=input_1,{out_var} 
    #pragma HLS PIPELINE 

#ifndef __SYNTHESIS__
    static bool loaded_weights = false;
    if (!loaded_weights) {{
        // hls-fpga-machine-learning insert load weights
{loads}
        loaded_weights = true;
    }}
#endif

    // ****************************************
    // NETWORK INSTANTIATION
    // ****************************************

    // hls-fpga-machine-learning insert layers

{body}
}}
"""

TOP_H = """#ifndef MYPROJECT_H_
#define MYPROJECT_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "hls_stream.h"

#include "defines.h"


// Prototype of top level function for C-synthesis
void myproject(
    input_t input_1[N_INPUT_1_1],
    result_t {out_var}[{out_macro}]
);

#endif
"""

DEFINES_H = """#ifndef DEFINES_H_
#define DEFINES_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "nnet_utils/nnet_types.h"
#include <array>
#include <cstddef>
#include <cstdio>
#include <tuple>


// hls-fpga-machine-learning insert numbers
{defines}


// hls-fpga-machine-learning insert layer-precision
{typedefs}

#endif
"""

PARAMETERS_H = """#ifndef PARAMETERS_H_
#define PARAMETERS_H_

#include "ap_fixed.h"
#include "ap_int.h"

#include "nnet_utils/nnet_code_gen.h"
#include "nnet_utils/nnet_helpers.h"
// hls-fpga-machine-learning insert includes
#include "nnet_utils/nnet_activation.h"
#include "nnet_utils/nnet_activation_stream.h"
#include "nnet_utils/nnet_batchnorm.h"
#include "nnet_utils/nnet_batchnorm_stream.h"
#include "nnet_utils/nnet_dense.h"
#include "nnet_utils/nnet_dense_compressed.h"
#include "nnet_utils/nnet_dense_stream.h"

// hls-fpga-machine-learning insert weights
{includes}

// hls-fpga-machine-learning insert layer-config
{configs}

#endif
"""

CONFIG_YML = """Backend: Vitis
ClockPeriod: 5
HLSConfig:
  Model:
    BramFactor: 1000000000
    Precision:
      default: {precision}
    ReuseFactor: 1
    Strategy: Latency
    TraceOutput: false
IOType: io_parallel
InputData: tb_data/tb_input_features.dat
OutputDir: hls4ml_prj
OutputPredictions: tb_data/tb_output_predictions.dat
Part: {part}
ProjectName: myproject
Stamp: fpgaas00
Version: {version}
WriterConfig:
  Namespace: null
  WriteTar: false
  WriteWeightsTxt: true
"""

CONFIG_PBTXT = """# Generated by deploy/models/make_models.py. Format: docs/model-repository.md.
name: "{name}"
platform: "fpgaas_hls4ml"
max_batch_size: 8192
input [ {{ name: "input_1" data_type: TYPE_FP32 dims: [ {n_in} ] }} ]
output [ {{ name: "{out_var}" data_type: TYPE_FP32 dims: [ {n_out} ] }} ]
dynamic_batching {{
  preferred_batch_size: [ 64, 256 ]
  max_queue_delay_microseconds: {delay}
  default_queue_policy {{ timeout_action: REJECT default_timeout_microseconds: 0 allow_timeout_override: true max_queue_size: 4096 }}
}}
instance_group [ {{ count: 2 }} ]
parameters {{ key: "fpga.kernel_name" value {{ string_value: "myproject" }} }}
parameters {{ key: "fpga.kernel_arguments" value {{ string_value: "input,output,batch_size" }} }}
parameters {{ key: "fpga.input_precision" value {{ string_value: "{precision}" }} }}
parameters {{ key: "fpga.output_precision" value {{ string_value: "{precision}" }} }}
parameters {{ key: "fpga.hls4ml_project" value {{ string_value: "hls4ml_prj" }} }}
"""


def main():
    iris_accuracy = make_iris()
    muon_rms, muon_sparsity = make_muon_pt()
    jet_accuracy = make_jet_tagger()
    print("iris: float model accuracy on the held-out 30 % = {:.4f}".format(iris_accuracy))
    print("muon_pt: float model RMS error of 10*q/pT = {:.4f}; zero weights {:.1%}".format(
        muon_rms, muon_sparsity))
    print("jet_tagger: float model accuracy on the synthetic test set = {:.4f}".format(jet_accuracy))


if __name__ == "__main__":
    main()
