// Sends one ModelInfer with raw input contents to a silo and prints the FP32 outputs as one JSON line.
// usage: node client.js HOST:PORT MODEL INPUT_NAME DIM,DIM,... INPUT_FILE (little-endian float32)
'use strict';

const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [address, model, inputName, shapeText, inputFile] = process.argv.slice(2);
if (!inputFile) {
  console.error('usage: node client.js HOST:PORT MODEL INPUT_NAME DIM,DIM,... INPUT_FILE');
  process.exit(2);
}

const definition = protoLoader.loadSync(path.join(__dirname, 'grpc_predict_v2.proto'), { keepCase: true, longs: Number, defaults: true });
const { inference } = grpc.loadPackageDefinition(definition);
const client = new inference.GRPCInferenceService(address, grpc.credentials.createInsecure());

const request = {
  model_name: model,
  id: 'node-' + process.pid,
  inputs: [{ name: inputName, datatype: 'FP32', shape: shapeText.split(',').map(Number) }],
  raw_input_contents: [fs.readFileSync(inputFile)],
};

client.ModelInfer(request, { deadline: Date.now() + 60000 }, (error, response) => {
  if (error) {
    console.error(`ModelInfer failed: ${grpc.status[error.code]} ${error.details}`);
    process.exit(1);
  }

  const outputs = response.outputs.map((output, i) => {
    const raw = response.raw_output_contents[i];
    if (output.datatype !== 'FP32' || !raw) {
      throw new Error(`output ${output.name} is ${output.datatype}; this client reads raw FP32 only`);
    }

    const values = [];
    for (let offset = 0; offset < raw.length; offset += 4) {
      values.push(raw.readFloatLE(offset));
    }

    return { name: output.name, datatype: output.datatype, shape: output.shape, values };
  });

  console.log(JSON.stringify({ id: response.id, model_name: response.model_name, outputs }));
  client.close();
});
