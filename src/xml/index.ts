/**
 * Safe XML for every protocol adapter: the element tree, the serializer and the restricted parser
 * (RFC 6120 §11). Imports nothing of the project.
 */
export {
  type AttributeInput,
  type Attributes,
  type ChildInput,
  Element,
  el,
  sameElement,
  type XmlNode,
} from './element.js';
export {
  localNameOf,
  type NamespaceBindings,
  prefixOf,
  XML_NAMESPACE,
  XMLNS_NAMESPACE,
} from './namespace-scope.js';
export {
  parseXml,
  SafeXmlParser,
  XmlDocumentParser,
  type XmlParserOptions,
  type XmlStreamHandler,
} from './safe-xml-parser.js';
export {
  closeTag,
  escapeAttribute,
  escapeText,
  type SerializeContext,
  serialize,
  serializeOpenTag,
} from './serialize.js';
export { isXmlError, type XmlError, type XmlErrorCondition } from './xml-error.js';
export { DEFAULT_XML_LIMITS, type XmlLimits } from './xml-limits.js';
