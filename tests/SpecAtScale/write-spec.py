#!/usr/bin/env python3
"""Writes a synthetic Marketplace spec of the platform's size into a folder, as fragments the way the platform
publishes them: no operationIds, {id} path parameters, the list envelope, problem-details errors, every operation
shape the client generates (lists, gets, creates answering 201, updates answering 200 or 200/204, deletes answering
204, actions with a required, an optional or no body, nested collections, multipart uploads, binary downloads,
text responses), the same resource names in two modules. Deterministic: the same arguments write the same bytes.

usage: write-spec.py <folder> [--modules 11] [--resources 7]
"""
import json
import sys

MODULES = ["accounts", "audit", "billing", "catalog", "commerce", "exchange", "helpdesk", "integration",
           "notifications", "program", "spotlight"]
WORDS = ["orders", "agreements", "subscriptions", "products", "listings", "invoices", "statements", "journals",
         "cases", "queues", "tokens", "licensees", "buyers", "sellers", "templates", "channels", "batches",
         "categories", "price-lists", "certificates", "enrollments", "programs", "records", "messages"]
ACTIONS = ["validate", "process", "complete", "enable", "disable", "terminate", "publish", "notify"]
HEADER = {"openapi": "3.0.1", "info": {"title": "Marketplace API", "version": "5.0.5102-g2bf281b6"},
          "servers": [{"url": "https://api.platform.softwareone.com"}]}


def pascal(word):
    return "".join(part[:1].upper() + part[1:] for part in word.replace("_", "-").split("-"))


def singular(word):
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def ref(name):
    return {"$ref": "#/components/schemas/" + name}


def json_content(schema):
    return {"application/json": {"schema": schema}}


def problem(status, text):
    return {str(status): {"description": text, "content": {"application/problem+json": {"schema": {"type": "object"}}}}}


def path_id(name):
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def fragment(module, index, resources):
    paths, schemas = {}, {}
    for r, word in enumerate(resources):
        item, envelope = pascal(singular(word)), pascal(singular(word)) + "ListResponse"
        # A schema per module and resource: the same resource in two modules is two schemas of the same name only when
        # they are identical, so each carries its module in the name.
        item = pascal(module) + item
        envelope = pascal(module) + envelope
        schemas[item] = {"type": "object", "additionalProperties": False, "properties": {
            "id": {"type": "string", "description": "The ID."},
            "name": {"type": "string"},
            "status": {"enum": ["Draft", "Active", "Terminated"], "type": "string"},
            "revision": {"type": "integer", "format": "int32"},
            "price": {"type": "number", "format": "double", "nullable": True},
            "notify": {"type": "boolean", "default": True},
            "type": {"type": "string"}, "@type": {"type": "string"},
            "audit": {"type": "object", "allOf": [ref("PlatformObjectAudit")], "nullable": True},
            "$meta": {"allOf": [ref("PlatformMetadata")], "nullable": True},
            "configuration": {"nullable": True}}}
        schemas[envelope] = {"type": "object", "additionalProperties": False, "properties": {
            "$meta": {"allOf": [ref("ListMetadata")]}, "data": {"type": "array", "items": ref(item)}}}
        base = f"/public/v1/{module}/{word}"
        ok, one = {"200": {"description": "OK", "content": json_content(ref(item))}}, ref(item)
        paths[base] = {
            "get": {"tags": [item], "responses": {"200": {"description": "OK", "content": json_content(ref(envelope))}}},
            "post": {"tags": [item], "requestBody": {"required": True, "content": json_content(one)},
                     "responses": {"201": {"description": "Created", "content": json_content(one)}, **problem(400, "Bad Request")}}}
        updates = {"200": ok["200"], "204": {"description": "No Content"}} if r % 2 else ok
        paths[base + "/{id}"] = {
            "get": {"tags": [item], "parameters": [path_id("id")], "responses": {**ok, **problem(404, "Not Found")}},
            "put": {"tags": [item], "parameters": [path_id("id")], "requestBody": {"required": True, "content": json_content(one)},
                    "responses": {**updates, **problem(409, "Conflict")}}}
        if r % 3 != 2:
            paths[base + "/{id}"]["delete"] = {"tags": [item], "parameters": [path_id("id")], "responses": {"204": {"description": "No Content"}}}
        action = ACTIONS[(index + r) % len(ACTIONS)]
        body = [{"requestBody": {"required": True, "content": json_content(one)}}, {"requestBody": {"content": json_content(one)}}, {}][r % 3]
        paths[base + "/{id}/" + action] = {"post": {"tags": [item], "parameters": [path_id("id")], **body,
                                                    "responses": ok if r % 2 else {"204": {"description": "No Content"}}}}
        # A nested collection: its list and its create.
        nested = pascal(module) + pascal(singular(word)) + "Line"
        schemas[nested] = {"type": "object", "additionalProperties": False, "properties": {"id": {"type": "string"}, "quantity": {"type": "integer", "format": "int32"}}}
        schemas[nested + "ListResponse"] = {"type": "object", "additionalProperties": False, "properties": {
            "$meta": {"allOf": [ref("ListMetadata")]}, "data": {"type": "array", "items": ref(nested)}}}
        paths[base + "/{id}/lines"] = {
            "get": {"tags": [item], "parameters": [path_id("id")], "responses": {"200": {"description": "OK", "content": json_content(ref(nested + "ListResponse"))}}},
            "post": {"tags": [item], "parameters": [path_id("id")], "requestBody": {"required": True, "content": json_content(ref(nested))},
                     "responses": {"201": {"description": "Created", "content": json_content(ref(nested))}}}}
        if r % 2 == 0:
            # A file: an upload (a JSON part and a file part) and its download.
            paths[base + "/{id}/attachments"] = {"post": {"tags": [item], "parameters": [path_id("id")], "requestBody": {"content": {
                "multipart/form-data": {"schema": {"type": "object", "properties": {"attachment": one, "file": {"type": "string", "format": "binary"}}}}}},
                "responses": {"201": {"description": "Created", "content": json_content(one)}}}}
            paths[base + "/{id}/attachments/{attachmentId}"] = {"get": {"tags": [item], "parameters": [path_id("id"), path_id("attachmentId")],
                "responses": {"200": {"description": "OK", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}}}
        if r % 4 == 1:
            paths[base + "/{id}/template"] = {"get": {"tags": [item], "parameters": [path_id("id")],
                "responses": {"200": {"description": "OK", "content": {"text/plain": {"schema": {"type": "string"}}}}}}}
    # ListMetadata, PaginationMetadata, PlatformMetadata and PlatformObjectAudit are the seeds' (a fragment that
    # redefined them differently would fail the merge).
    return {**HEADER, "paths": paths, "components": {"schemas": schemas}}


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    folder = argv[1]
    modules = int(argv[argv.index("--modules") + 1]) if "--modules" in argv else len(MODULES)
    per_module = int(argv[argv.index("--resources") + 1]) if "--resources" in argv else 7
    counts = {}
    for i, module in enumerate(MODULES[:modules]):
        # Overlapping windows of the word list: most resources are in one module, some in two.
        resources = [WORDS[(i * 2 + k) % len(WORDS)] for k in range(per_module)]
        document = fragment(module, i, resources)
        for item in document["paths"].values():
            for method in item:
                counts[method] = counts.get(method, 0) + 1
        with open(f"{folder}/scale-{module}.json", "w", encoding="utf-8", newline="\n") as out:
            json.dump(document, out, separators=(",", ":"), sort_keys=True)
    print(f"wrote {modules} fragments: {sum(counts.values())} operations ({', '.join(f'{m.upper()} {n}' for m, n in sorted(counts.items()))})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
